package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The alerts page (runs as {@link DashboardIT.AlertsPage}). */
abstract class AlertsPageIT extends DashboardPages {

    @Test
    void theAlertsPageListsAnOpenCriticalAlertWithItsWorker() throws Exception {
        var worker = reportedOnce(91);
        signIn("admin", ADMIN_PASSWORD);
        browser.find(By.id("topbar:nav-alerts")).click();
        browser.until("the alert of " + worker.name(), () -> {
            var table = browser.find(By.id("open-alerts"));
            if (text(table).contains(worker.name())) {
                return true;
            }
            browser.driver().navigate().refresh();
            return false;
        });
        var row = browser.findAll(By.cssSelector("#open-alerts tr")).stream()
                .filter(tr -> text(tr).contains(worker.name()) && text(tr).contains("Temperature")).findFirst().orElseThrow();
        assertEquals("critical", text(row.findElement(By.cssSelector(".severity"))).toLowerCase());
        browser.screenshot("alerts");
    }
}
