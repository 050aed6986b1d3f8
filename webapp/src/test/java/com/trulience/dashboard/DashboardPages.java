package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Browser;
import com.trulience.testing.Deployed;
import com.trulience.testing.Frames;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

/**
 * What the page tests of {@link DashboardIT} share: one Chromium, signed out before each test, workers registered
 * through the API whose agents report, and the cards view's cards and gauges that several pages lead back to. The
 * cards view shows 24 workers a page, worst first: a test that leaves many workers behind removes them.
 */
abstract class DashboardPages extends Deployed {

    static final String DATABASE = "trulience_it_dashboard";
    static final String ADMIN_PASSWORD = "dashboard-admin-password";
    private static final AtomicInteger WORKERS = new AtomicInteger();
    static Browser browser;

    @BeforeEach
    void signedOutBrowser() throws Exception {
        Browser.assumeInstalled();
        if (browser == null) {
            browser = Browser.start();
        }
        browser.reset();
    }

    static void quitBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    /** Signed in, on the cards view (hardware.xhtml) that most page tests start from. */
    void signIn(String username, String password) throws Exception {
        browser.signIn(base, username, password);
        browser.openLive(base, "admin/hardware.xhtml");
    }

    Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    static String nextWorkerName(String prefix) {
        return prefix + WORKERS.incrementAndGet();
    }

    Api.RegisteredWorker register() throws Exception {
        return admin().registerWorker(nextWorkerName("gpu-dash-"));
    }

    /** A worker whose agent sent its hello and one sample at that temperature, then disconnected. */
    Api.RegisteredWorker reportedOnce(int celsius) throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id(), 5));
            sendTemperature(agent, worker, 1, celsius);
        }
        return worker;
    }

    /** Each seq a second of its own, in the past: a repeated timestamp counts as a redelivery and is not stored again. */
    static void sendTemperature(AgentClient agent, Api.RegisteredWorker worker, long seq, int celsius) throws Exception {
        agent.send(Frames.metrics(worker.id(), seq, Instant.now().minusSeconds(30 - seq),
                Frames.BUSY.utilization(83).temperature(celsius), Frames.IDLE));
        assertEquals("{\"type\":\"ack\",\"seq\":" + seq + "}", agent.next());
    }

    /** Two GPUs and comfyui; an agent that sends no samples needs a longer interval to stay online. */
    static String hello(long workerId, int intervalSeconds) {
        return Frames.hello(workerId, intervalSeconds, 2, "comfyui");
    }

    /** Through the card's link; a push may re-render the grid under the click, which then goes again. */
    void openWorkerPage(Api.RegisteredWorker worker) {
        browser.until("the worker page of " + worker.name(), () -> {
            if (browser.driver().getCurrentUrl().contains("worker.xhtml")) {
                return !browser.findAll(By.id("worker-name")).isEmpty();
            }
            card(worker).findElement(By.cssSelector(".worker-name")).click();
            return false;
        });
    }

    WebElement awaitGauge(Api.RegisteredWorker worker, String metric, String value, String level) throws Exception {
        long start = System.nanoTime();
        try {
            return awaitGauge(worker, metric, value, level, start);
        } catch (TimeoutException e) {
            browser.screenshot("failed-" + metric + "-" + level);
            // what CI keeps is this message, not the screenshot: the page's live state and the card as drawn
            var cards = browser.findAll(By.cssSelector("[data-worker='" + worker.id() + "']"));
            throw new AssertionError("live state: " + browser.script("return JSON.stringify(trulience.state());") + "; card: "
                    + (cards.isEmpty() ? "not drawn (" + browser.findAll(By.cssSelector("[data-worker]")).size() + " cards)"
                    : text(cards.get(0))), e);
        }
    }

    private WebElement awaitGauge(Api.RegisteredWorker worker, String metric, String value, String level, long start) {
        var gauge = browser.until(metric + " " + value + " (" + level + ")", () -> {
            var found = gauge(worker, metric);
            return text(found.findElement(By.cssSelector(".gauge-value"))).equals(value)
                    && found.getAttribute("class").contains("level-" + level) ? found : null;
        });
        System.out.printf("DashboardIT: %s showed %s (%s) %d ms after the wait began%n", metric, value, level,
                (System.nanoTime() - start) / 1_000_000);
        return gauge;
    }

    WebElement card(Api.RegisteredWorker worker) {
        return browser.until("the card of " + worker.name(), () -> browser.find(By.cssSelector("[data-worker='" + worker.id() + "']")));
    }

    WebElement gauge(Api.RegisteredWorker worker, String metric) {
        return browser.find(By.cssSelector("[data-worker='" + worker.id() + "'] [data-gpu='0'] [data-metric='" + metric + "']"));
    }
}
