package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The workers page (runs as {@link DashboardIT.WorkersPage}): registration, the token shown once, revoke and rotate. */
abstract class WorkersPageIT extends DashboardPages {

    @Test
    void anAdminRegistersAWorkerSeesItsTokenOnceAndRevokesAndRotatesIt() throws Exception {
        signIn("admin", ADMIN_PASSWORD);
        browser.find(By.id("topbar:nav-workers")).click();
        String name = nextWorkerName("gpu-page-");
        browser.until("the register form", () -> browser.find(By.id("workers:name"))).sendKeys(name);
        browser.find(By.id("workers:register")).click();
        String token = browser.until("the token", () -> text(browser.find(By.id("issued-token"))));
        String settings = text(browser.find(By.id("agent-settings")));
        long id = Long.parseLong(TestDatabase.query(DATABASE, "SELECT id FROM workers WHERE name = '" + name + "'"));
        assertTrue(settings.contains("BACKEND_WS_URL=ws://" + base.getHost() + ":" + base.getPort() + "/ws/metrics"), settings);
        assertTrue(settings.contains("WORKER_ID=" + id) && settings.contains("AGENT_TOKEN=" + token), settings);
        browser.screenshot("workers-token");
        browser.viewport(1920, 1080);
        browser.screenshot("workers-token");
        browser.viewport(1280, 800);

        // the settings on the page are the ones an agent connects with
        var worker = new Api.RegisteredWorker(id, name, token);
        try (var agent = AgentClient.connect(base, token)) {
            agent.send(hello(id, 5));
            sendTemperature(agent, worker, 1, 50);
            browser.find(By.id("workers:dismiss")).click();
            browser.until("the token gone", () -> browser.findAll(By.id("issued-token")).isEmpty());
            browser.driver().navigate().refresh();
            browser.until("the list after a reload", () -> text(browser.find(By.id("workers:list"))).contains(name));
            assertTrue(!browser.driver().getPageSource().contains(token), "the token is shown again after a reload");

            confirm(workerRow(name).findElement(By.cssSelector("[id$=':revoke']")));
            browser.until("the revoked message", () -> text(browser.find(By.id("workers:messages"))).contains("revoked"));
            assertEquals(1008, agent.closedWith());
        }
        assertEquals("revoked", text(workerRow(name).findElement(By.cssSelector(".token-state"))).toLowerCase());
        assertEquals(401, AgentClient.refusedStatus(base, token, null));

        confirm(workerRow(name).findElement(By.cssSelector("[id$=':rotate']")));
        String rotated = browser.until("the new token", () -> text(browser.find(By.id("issued-token"))));
        assertTrue(!rotated.equals(token));
        try (var agent = AgentClient.connect(base, rotated)) {
            agent.send(hello(id, 5));
            sendTemperature(agent, worker, 2, 50);
        }
        assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM workers WHERE name = '" + name + "' AND token_hash IS NOT NULL"));
    }

    @Test
    void registeringATakenOrInvalidNameExplainsWhyOnThePage() throws Exception {
        var existing = register();
        signIn("admin", ADMIN_PASSWORD);
        browser.find(By.id("topbar:nav-workers")).click();
        for (var name : List.of(existing.name(), "bad name; rm -rf /")) {
            var field = browser.until("the register form", () -> browser.find(By.id("workers:name")));
            field.sendKeys(Keys.chord(Keys.CONTROL, "a"), name);
            browser.find(By.id("workers:register")).click();
            String expected = name.equals(existing.name()) ? "already exists" : "must be 1-64";
            browser.until("the refusal of " + name, () -> text(browser.find(By.id("workers:messages"))).contains(expected));
            assertTrue(browser.findAll(By.id("issued-token")).isEmpty());
        }
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM workers WHERE name LIKE 'bad name%'"));
    }

    private WebElement workerRow(String name) {
        return browser.until("the row of " + name, () -> browser.findAll(By.cssSelector("[id='workers:list'] tbody tr")).stream()
                .filter(row -> text(row.findElement(By.cssSelector(".worker-link"))).equals(name)).findFirst().orElse(null));
    }

    private void confirm(WebElement button) {
        button.click();
        browser.until("the confirmation", () -> {
            var yes = browser.find(By.id("workers:confirm-yes"));
            return yes.isDisplayed() ? yes : null;
        }).click();
    }
}
