package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Frames;
import com.trulience.testing.TestDatabase;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

/** The hardware page (runs as {@link DashboardIT.HardwarePage}): live cards and gauges, and a restart from a card. */
abstract class HardwarePageIT extends DashboardPages {

    @Test
    void aCardFollowsTheAgentsSamplesAndItsGaugeTurnsYellowThenRedWithoutReload() throws Exception {
        signIn("admin", ADMIN_PASSWORD);
        browser.script("window.sameDocument = true;");
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id(), 5));
            sendTemperature(agent, worker, 1, 61);
            awaitGauge(worker, "temperature_celsius", "61 °C", "ok");
            // read through until(): a push may re-render the card between finding an element and reading it
            assertEquals("online", browser.until("the status", () -> text(card(worker).findElement(By.cssSelector(".status")))).toLowerCase());
            String card = browser.until("the card's text", () -> text(card(worker)));
            assertTrue(card.contains("gpu-host-" + worker.id()), card);
            String vram = browser.until("the VRAM gauge", () -> text(gauge(worker, "vram_used_percent")));
            assertTrue(vram.contains("49.3 %"), vram);
            String power = browser.until("the power gauge", () -> text(gauge(worker, "power_draw_percent")));
            assertTrue(power.contains("512 / 700 W"), power);
            browser.screenshot("hardware");

            sendTemperature(agent, worker, 2, 75);
            awaitGauge(worker, "temperature_celsius", "75 °C", "warning");
            sendTemperature(agent, worker, 3, 90);
            awaitGauge(worker, "temperature_celsius", "90 °C", "critical");
            assertEquals(Boolean.TRUE, browser.script("return window.sameDocument === true;"), "the page was reloaded");
            browser.viewport(1920, 1080);
            browser.screenshot("hardware");
        }
    }

    @Test
    void aCardsViewWhosePushSocketDroppedShowsTheNewestStateAfterReconnecting() throws Exception {
        signIn("admin", ADMIN_PASSWORD);
        browser.script("window.sameDocument = true;");
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id(), 300));
            sendTemperature(agent, worker, 1, 55);
            awaitGauge(worker, "temperature_celsius", "55 °C", "ok");
            browser.until("no re-draw in flight", () -> (Boolean) browser.script("return !trulience.state().busy;"));
            browser.script("trulience.hold(true);");
            browser.until("the push socket closed", () -> (Boolean) browser.script(
                    "return document.getElementById('live-state').classList.contains('off');"));
            // still ok: no alert is raised, whose push after the reconnect would re-draw the page without the fix
            sendTemperature(agent, worker, 2, 60);
            assertEquals("55 °C", text(gauge(worker, "temperature_celsius").findElement(By.cssSelector(".gauge-value"))),
                    "no news without the socket");
            browser.script("trulience.hold(false);");
            awaitGauge(worker, "temperature_celsius", "60 °C", "ok");
            assertEquals(Boolean.TRUE, browser.script("return window.sameDocument === true;"), "the page was reloaded");
        }
    }

    @Test
    void anAdminRestartsAServiceFromItsCardAndWatchesItCompleteWithoutReload() throws Exception {
        signIn("admin", ADMIN_PASSWORD);
        browser.script("window.sameDocument = true;");
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            // this test's agent sends no samples: a long interval keeps it online meanwhile
            agent.send(hello(worker.id(), 300));
            var reason = openRestartDialog(worker);
            assertEquals(worker.name(), text(browser.find(By.id("restart-worker"))));
            reason.sendKeys("VRAM leak after 3 days");
            var force = By.cssSelector("[id='restart:force'] .ui-chkbox-box");
            browser.find(force).click();
            browser.until("the force warning", () -> text(browser.find(By.id("restart:force-warning"))).contains("The running job will be killed."));
            browser.screenshot("restart-dialog");
            browser.find(force).click();
            browser.until("the force warning gone", () -> !text(browser.find(By.id("restart:force-warning"))).contains("killed"));
            browser.find(By.id("restart:confirm")).click();

            var command = Json.createReader(new StringReader(agent.next())).readObject();
            assertEquals("restart", command.getString("type"));
            assertEquals("comfyui", command.getString("service_name"));
            assertEquals(false, command.getBoolean("force"));
            assertEquals("VRAM leak after 3 days", command.getString("reason"));
            long restartId = command.getJsonNumber("restart_id").longValue();
            awaitRestart(worker, "initiated");
            browser.until("the restart button disabled while in flight",
                    () -> !card(worker).findElement(By.cssSelector(".restart-button")).isEnabled());
            for (String status : List.of("stopping", "restarting", "completed")) {
                agent.send(Frames.restartStatus(restartId, status, null));
                awaitRestart(worker, status);
            }
            browser.until("the restart button enabled again", () -> card(worker).findElement(By.cssSelector(".restart-button")).isEnabled());
            browser.screenshot("restart-completed");
            assertEquals(Boolean.TRUE, browser.script("return window.sameDocument === true;"), "the page was reloaded");
            assertEquals("VRAM leak after 3 days|admin|completed|false", TestDatabase.query(DATABASE,
                    "SELECT r.reason || '|' || u.username || '|' || r.status || '|' || r.force FROM restart_logs r "
                            + "JOIN users u ON u.id = r.initiated_by WHERE r.id = " + restartId));

            openWorkerPage(worker);
            String history;
            try {
                history = browser.until("the restart in the history", () -> {
                    String table = text(browser.find(By.id("restarts:restart-history")));
                    return table.contains("VRAM leak after 3 days") ? table : null;
                });
            } catch (TimeoutException e) {
                browser.screenshot("failed-restart-history");
                throw new AssertionError(browser.find(By.id("restarts")).getAttribute("outerHTML"), e);
            }
            assertTrue(history.contains("admin") && history.toLowerCase().contains("completed"), history);
            browser.screenshot("worker-restarts");
        }
    }

    @Test
    void theRestartDialogListsEveryServiceAndShowsARefusalWhenTheWorkerWentOffline() throws Exception {
        signIn("admin", ADMIN_PASSWORD);
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(Frames.hello(worker.id(), 300, 2, "comfyui", "comfyui@2"));
            openRestartDialog(worker);
            @SuppressWarnings("unchecked")
            var services = (List<String>) browser.script(
                    "return Array.from(document.getElementById('restart:service_input').options).map(o => o.value);");
            assertEquals(List.of("comfyui", "comfyui@2"), services);
        }
        // the agent is gone while the dialog is open: the confirmation is refused, and says why
        browser.until("the worker offline", () -> "offline".equals(TestDatabase.query(DATABASE,
                "SELECT CASE WHEN online THEN 'online' ELSE 'offline' END FROM workers WHERE id = " + worker.id())));
        browser.find(By.id("restart:confirm")).click();
        String refusal = browser.until("the refusal in the dialog", () -> {
            String messages = text(browser.find(By.id("restart:messages")));
            return messages.isEmpty() ? null : messages;
        });
        assertTrue(refusal.contains("offline"), refusal);
        assertTrue(browser.find(By.id("restart:reason")).isDisplayed(), "the dialog stays open with the refusal");
        browser.screenshot("restart-refused");
        browser.find(By.id("restart:cancel")).click();
        browser.until("the restart button disabled while offline", () -> {
            var current = card(worker);
            return current.getAttribute("class").contains("offline")
                    && !current.findElement(By.cssSelector(".restart-button")).isEnabled();
        });
    }

    /** Clicks the card's button once it is enabled (the hello's push may still be on its way); returns the reason field. */
    private WebElement openRestartDialog(Api.RegisteredWorker worker) {
        browser.until("an enabled restart button", () -> {
            var button = card(worker).findElement(By.cssSelector(".restart-button"));
            if (!button.isEnabled()) {
                return false;
            }
            button.click();
            return true;
        });
        return browser.until("the restart dialog", () -> {
            var field = browser.find(By.id("restart:reason"));
            return field.isDisplayed() ? field : null;
        });
    }

    private void awaitRestart(Api.RegisteredWorker worker, String status) {
        long start = System.nanoTime();
        browser.until("restart " + status + " on the card of " + worker.name(), () -> status.equals(
                card(worker).findElement(By.cssSelector(".restart-progress")).getAttribute("data-status")));
        System.out.printf("DashboardIT: the card showed restart %s %d ms after the wait began%n", status,
                (System.nanoTime() - start) / 1_000_000);
    }
}
