package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The users page and the own-password page (run as {@link DashboardIT.UsersPage}): an admin adds a viewer without SQL,
 * a weak password is refused with the reason, and the viewer changes their own password and signs in with it.
 */
abstract class UsersPageIT extends DashboardPages {

    @Test
    void anAdminAddsAViewerWhoThenChangesTheirOwnPassword() throws Exception {
        String viewer = nextWorkerName("viewer-");
        signIn("admin", ADMIN_PASSWORD);
        browser.find(By.id("topbar:nav-users")).click();
        browser.until("the users page", () -> text(browser.find(By.id("users-title"))).equals("Users"));

        browser.find(By.id("add:username")).sendKeys(viewer);
        browser.find(By.id("add:password")).sendKeys("short");
        browser.find(By.id("add:add-user")).click();
        browser.until("the refusal", () -> text(browser.find(By.id("messages"))).contains("password is too weak"));
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT count(*) FROM users WHERE username = '" + viewer + "'"));

        browser.find(By.id("add:username")).clear();
        browser.find(By.id("add:username")).sendKeys(viewer);
        browser.find(By.id("add:password")).sendKeys("First-viewer-pass1");
        browser.find(By.id("add:add-user")).click();
        browser.until("the added message", () -> text(browser.find(By.id("messages"))).contains("Added viewer '" + viewer + "'"));
        assertTrue(text(browser.find(By.id("users:list"))).contains(viewer));
        String firstHash = TestDatabase.query(DATABASE, "SELECT password_hash FROM users WHERE username = '" + viewer + "'");
        assertEquals("viewer", TestDatabase.query(DATABASE, "SELECT role FROM users WHERE username = '" + viewer + "'"));
        browser.screenshot("users");

        browser.reset();
        signIn(viewer, "First-viewer-pass1");
        assertTrue(browser.findAll(By.id("topbar:nav-users")).isEmpty());
        browser.find(By.id("topbar:caller")).click();
        browser.until("the account page", () -> !browser.findAll(By.id("account:current")).isEmpty());
        browser.find(By.id("account:current")).sendKeys("not-my-password-1");
        browser.find(By.id("account:new")).sendKeys("Second-viewer-pass2");
        browser.find(By.id("account:change")).click();
        browser.until("the refusal", () -> text(browser.find(By.id("account:messages"))).contains("current_password"));
        assertEquals(firstHash, TestDatabase.query(DATABASE, "SELECT password_hash FROM users WHERE username = '" + viewer + "'"));

        browser.find(By.id("account:current")).sendKeys("First-viewer-pass1");
        browser.find(By.id("account:new")).sendKeys("Second-viewer-pass2");
        browser.find(By.id("account:change")).click();
        browser.until("the changed message", () -> text(browser.find(By.id("account:messages"))).contains("password is changed"));

        browser.reset();
        signIn(viewer, "Second-viewer-pass2");
        assertEquals("viewer", text(browser.find(By.id("topbar:role"))).toLowerCase());
    }
}
