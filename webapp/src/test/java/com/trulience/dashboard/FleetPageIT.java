package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Frames;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The fleet page, the landing page (runs as {@link DashboardIT.FleetPage}): tiles sorted and filtered in the browser
 * with the selection in the URL, patched from the push's deltas, and resynchronised after the push socket drops.
 * It runs after the other page classes: its 200 streaming workers would push theirs off the cards view's first page.
 */
abstract class FleetPageIT extends DashboardPages {

    private static final AtomicInteger SELECTIONS = new AtomicInteger();
    private static final Duration STREAMING = Duration.ofSeconds(60);
    private final List<AgentClient> agents = new ArrayList<>();

    /** A cold backend on a loaded machine can take longer than the API client's 10 s over its first requests, or drop them. */
    @BeforeEach
    void warmBackend() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                admin().get("api/v1/admin/workers");
                return;
            } catch (IOException e) {  // timed out, or the connection went away meanwhile
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    @AfterEach
    void disconnectTheAgents() {
        agents.forEach(AgentClient::close);
    }

    @Test
    void sortFilterAndSearchAreInTheUrlAndALinkOrBackShowsTheSameView() throws Exception {
        String prefix = "fleet" + SELECTIONS.incrementAndGet() + "-";
        var cool = online(prefix + "a-cool", new Frames.Gpu(0, 60000, 81559, 50, 50, 512, 30));   // VRAM 73.6 %
        var hot = online(prefix + "b-hot", new Frames.Gpu(0, 30000, 81559, 92, 50, 512, 30));     // critical at 85 °C
        var warm = online(prefix + "c-warm", new Frames.Gpu(0, 40213, 81559, 75, 50, 512, 30));   // warning at 70 °C
        browser.signIn(base, "admin", ADMIN_PASSWORD);
        browser.script("window.sameDocument = true;");
        search(prefix);
        assertEquals(List.of(hot.id(), warm.id(), cool.id()), shown(3), "worst first by default");
        var tile = tile(hot);
        assertTrue(tile.getAttribute("class").contains("l-critical"), tile.getAttribute("class"));
        String label = tile.getAttribute("aria-label");
        assertTrue(label.contains("critical") && label.contains("Temperature 92 °C"), label);
        assertTrue(tile.getAttribute("href").endsWith("worker.xhtml?id=" + hot.id()), tile.getAttribute("href"));
        browser.script("arguments[0].focus();", tile);  // as Tab would
        assertTrue(text(browser.find(By.id("fleet-focus"))).contains("Temperature 92 °C"), "focus shows the value");
        assertTrue(text(browser.find(By.cssSelector("[data-worker='" + hot.id() + "'] .fw-name"))).startsWith("✖"),
                "the level reads without colour");

        choose("fleet-sort", "name");
        assertEquals(List.of(cool.id(), hot.id(), warm.id()), shown(3));
        choose("fleet-sort", "vram");
        assertEquals(List.of(cool.id(), warm.id(), hot.id()), shown(3));
        choose("fleet-sort", "hottest");
        assertEquals(List.of(hot.id(), warm.id(), cool.id()), shown(3));
        choose("fleet-level", "warning");
        assertEquals(List.of(hot.id(), warm.id()), shown(2));
        choose("fleet-level", "critical");
        assertEquals(List.of(hot.id()), shown(1));
        choose("fleet-level", "all");
        browser.find(By.id("fleet-alert")).click();
        // the temperature alerts open after the samples are stored, and their push re-arranges the tiles
        assertEquals(List.of(hot.id(), warm.id()), shown(2), "only workers with an open alert");
        browser.find(By.id("fleet-alert")).click();
        choose("fleet-status", "offline");
        assertEquals(List.of(), shown(0));
        choose("fleet-status", "all");
        choose("fleet-level", "warning");
        String url = browser.driver().getCurrentUrl();
        assertTrue(url.contains("sort=hottest") && url.contains("level=warning") && url.contains("q=" + prefix), url);
        browser.screenshot("fleet-selection");

        browser.driver().navigate().back();  // level all again
        assertEquals(List.of(hot.id(), warm.id(), cool.id()), shown(3));
        assertEquals("all", new Select(browser.find(By.id("fleet-level"))).getFirstSelectedOption().getAttribute("value"));
        assertEquals(Boolean.TRUE, browser.script("return window.sameDocument === true;"), "back stays on the page");

        browser.openLive(base, url.substring(url.indexOf("admin/")));
        assertEquals(List.of(hot.id(), warm.id()), shown(2), "the link shows the same view");
        assertEquals("hottest", new Select(browser.find(By.id("fleet-sort"))).getFirstSelectedOption().getAttribute("value"));
        assertEquals(prefix, browser.find(By.id("fleet-search")).getAttribute("value"));

        // the same selection in the cards view
        browser.find(By.id("fleet-cards-link")).click();
        var cards = browser.until("the selected cards", () -> {
            var found = browser.findAll(By.cssSelector("#cards .card")).stream().map(card -> Long.parseLong(card.getAttribute("data-worker"))).toList();
            return found.isEmpty() ? null : found;
        });
        assertEquals(List.of(hot.id(), warm.id()), cards);
        assertTrue(text(browser.find(By.id("cards-shown"))).contains("of 2 selected"), text(browser.find(By.id("cards-shown"))));
    }

    @Test
    void aTileTurnsCriticalAfterACriticalSampleWhile200OtherWorkersStream() throws Exception {
        var target = online(nextWorkerName("fleet-target-"), Frames.BUSY.temperature(60));
        browser.signIn(base, "admin", ADMIN_PASSWORD);
        browser.script("window.sameDocument = true;");
        var streamers = new ArrayList<Streamer>();
        for (int i = 0; i < 200; i++) {
            var worker = admin().registerWorker(nextWorkerName("zz-stream-"));
            var agent = AgentClient.connect(base, worker.token());
            agents.add(agent);
            agent.send(Frames.hello(worker.id(), 300, 1));
            streamers.add(new Streamer(worker, agent));
        }
        var rounds = new AtomicInteger();
        var streaming = new AtomicBoolean(true);
        var failure = new AtomicReference<Throwable>();
        var thread = new Thread(() -> {
            try {
                Instant start = Instant.now().minusSeconds(3600);
                for (int round = 1; streaming.get(); round++) {
                    for (var streamer : streamers) {
                        streamer.agent().send(Frames.metrics(streamer.worker().id(), round, start.plusSeconds(round),
                                Frames.BUSY.temperature(40 + round % 20)));
                    }
                    for (var streamer : streamers) {
                        streamer.agent().next();
                    }
                    rounds.set(round);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "fleet-streamers");
        thread.start();
        try {
            // by count, with room for a loaded 2-core machine: 200 frames and their acks a round
            browser.until("a round of 200 streaming workers", () -> rounds.get() >= 1 || failure.get() != null, STREAMING);
            assertEquals(null, failure.get());
            browser.until("the streamers' tiles", () -> (Long) browser.script(
                    "return document.querySelectorAll('#fleet-grid .fw').length;") >= 201);
            long messagesBefore = ((Number) browser.script("return fleet.stats().messages;")).longValue();
            var agent = agents.get(0);
            long start = System.nanoTime();
            agent.send(Frames.metrics(target.id(), 2, Instant.now().minusSeconds(10), Frames.BUSY.temperature(91)));
            assertEquals("{\"type\":\"ack\",\"seq\":2}", agent.next());
            try {
                browser.until("the target's tile critical", () -> tile(target).getAttribute("class").contains("l-critical"), STREAMING);
            } catch (TimeoutException e) {
                browser.screenshot("failed-fleet-critical");
                throw new AssertionError("stats: " + browser.script("return JSON.stringify(fleet.stats());"), e);
            }
            System.out.printf("FleetPageIT: the tile turned critical %d ms after the sample was sent, %d rounds of 200 streamed%n",
                    (System.nanoTime() - start) / 1_000_000, rounds.get());
            assertTrue(tile(target).getAttribute("aria-label").contains("Temperature 91 °C"));
            assertTrue(Integer.parseInt(text(browser.find(By.id("sum-critical")))) >= 1);
            @SuppressWarnings("unchecked")
            var stats = (Map<String, Object>) browser.script("return fleet.stats();");
            assertTrue(((Number) stats.get("messages")).longValue() > messagesBefore, "patched from the push: " + stats);
            assertEquals(Boolean.TRUE, browser.script("return window.sameDocument === true;"), "the page was reloaded");
            browser.screenshot("fleet-streaming");
        } finally {
            streaming.set(false);
            thread.join(30_000);
        }
        assertEquals(null, failure.get());
    }

    @Test
    void aViewerWhosePushSocketDroppedShowsTheNewestStateAfterReconnecting() throws Exception {
        var worker = online(nextWorkerName("fleet-drop-"), Frames.BUSY.temperature(55));
        browser.signIn(base, "admin", ADMIN_PASSWORD);
        browser.until("the tile ok", () -> tile(worker).getAttribute("class").contains("l-ok"));
        long connects = ((Number) browser.script("return fleet.stats().connects;")).longValue();
        browser.script("fleet.hold(true);");
        browser.until("the push socket closed", () -> (Boolean) browser.script(
                "return document.getElementById('live-state').classList.contains('off');"));
        var agent = agents.get(0);
        agent.send(Frames.metrics(worker.id(), 2, Instant.now().minusSeconds(10), Frames.BUSY.temperature(93)));
        assertEquals("{\"type\":\"ack\",\"seq\":2}", agent.next());
        assertTrue(tile(worker).getAttribute("class").contains("l-ok"), "no news without the socket");
        browser.script("fleet.hold(false);");
        browser.until("the tile critical after the reconnect", () -> tile(worker).getAttribute("class").contains("l-critical"));
        assertEquals(connects + 1, ((Number) browser.script("return fleet.stats().connects;")).longValue());
        assertTrue(text(browser.find(By.id("live-state"))).contains("live"));
    }

    @Test
    void theCardsViewsPagerFollowsAPushThatAddsAPage() throws Exception {
        String prefix = "pager" + SELECTIONS.incrementAndGet() + "-";
        for (int i = 0; i < 24; i++) {  // one full page of cards
            online(prefix + i, Frames.BUSY.temperature(50));
        }
        browser.signIn(base, "admin", ADMIN_PASSWORD);
        browser.openLive(base, "admin/hardware.xhtml?q=" + prefix);
        browser.until("one page", () -> text(browser.find(By.id("cards-page"))).equals("page 1 of 1"));
        assertTrue(browser.findAll(By.id("cards-next")).isEmpty(), "no next page yet");
        online(prefix + "24", Frames.BUSY.temperature(50));
        browser.until("a second page after the push", () -> text(browser.find(By.id("cards-page"))).equals("page 1 of 2"));
        assertEquals(1, browser.findAll(By.id("cards-next")).size(), "the pager links the new page");
        browser.until("25 selected", () -> text(browser.find(By.id("cards-shown"))).contains("of 25 selected"));
    }

    /** A connected worker (its agent stays, a long interval keeps it online) that sent one sample of GPU 0. */
    private Api.RegisteredWorker online(String name, Frames.Gpu gpu) throws Exception {
        var worker = admin().registerWorker(name);
        var agent = AgentClient.connect(base, worker.token());
        agents.add(agent);
        agent.send(Frames.hello(worker.id(), 300, 1));
        agent.send(Frames.metrics(worker.id(), 1, Instant.now().minusSeconds(20), gpu));
        assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());
        return worker;
    }

    private record Streamer(Api.RegisteredWorker worker, AgentClient agent) {
    }

    private void search(String text) {
        var field = browser.find(By.id("fleet-search"));
        field.clear();
        field.sendKeys(text, Keys.ENTER);
    }

    private void choose(String select, String value) {
        new Select(browser.find(By.id(select))).selectByValue(value);
    }

    /** The workers shown, in their order on the screen, once there are {@code count} (pushes may still arrive). */
    private List<Long> shown(int count) {
        try {
            return browser.until(count + " workers shown", () -> {
                @SuppressWarnings("unchecked")
                var ids = ((List<Object>) browser.script("""
                        return Array.from(document.querySelectorAll('#fleet-grid .fw')).filter(e => !e.hidden)
                            .sort((a, b) => a.style.order - b.style.order).map(e => Number(e.dataset.worker));""")).stream()
                        .map(id -> ((Number) id).longValue()).toList();
                return ids.size() == count ? ids : null;
            });
        } catch (TimeoutException e) {
            throw new AssertionError("shown: " + browser.script("return document.getElementById('fleet-shown').textContent;"), e);
        }
    }

    private WebElement tile(Api.RegisteredWorker worker) {
        return browser.find(By.cssSelector("[data-worker='" + worker.id() + "'] .ft[data-gpu='0']"));
    }
}
