package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.Browser;
import com.trulience.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/** The thresholds page (runs as {@link DashboardIT.ThresholdsPage}): a worker's overrides and the global values. */
abstract class ThresholdsPageIT extends DashboardPages {

    @Test
    void anAdminOverridesAWorkersThresholdsOnAProtectedPage() throws Exception {
        var worker = reportedOnce(65);
        signIn("admin", ADMIN_PASSWORD);
        openWorkerPage(worker);
        browser.find(By.id("edit-thresholds")).click();
        var warning = browser.until("the thresholds form", () -> browser.find(By.id("thresholds:rows:0:warning_input")));
        warning.sendKeys(Keys.chord(Keys.CONTROL, "a"), "60");
        browser.find(By.id("thresholds:save")).click();
        browser.until("the saved message", () -> text(browser.find(By.id("thresholds:messages"))).contains("Saved"));
        assertEquals("60", TestDatabase.query(DATABASE, "SELECT warning_value FROM metric_thresholds WHERE worker_id = "
                + worker.id() + " AND metric_name = 'temperature_celsius'"));
        browser.screenshot("thresholds");

        // the card's gauge now measures 65 °C against this worker's 60 °C
        browser.find(By.id("topbar:nav-hardware")).click();
        awaitGauge(worker, "temperature_celsius", "65 °C", "warning");

        // a protected view: typed or linked from elsewhere, without the app's token, it does not open
        browser.open(base, "admin/thresholds.xhtml?worker=" + worker.id());
        assertTrue(browser.findAll(By.id("thresholds:save")).isEmpty(), browser.driver().getPageSource());
    }

    @Test
    void anAdminChangesAGlobalThresholdAndEveryCardWithoutAnOverrideFollows() throws Exception {
        var worker = reportedOnce(50);
        signIn("admin", ADMIN_PASSWORD);
        awaitGauge(worker, "power_draw_percent", "73.1 %", "ok");
        browser.find(By.id("topbar:nav-thresholds")).click();
        browser.until("the global thresholds", () -> text(browser.find(By.id("thresholds-title"))).equals("Global thresholds"));
        int power = rowOf("Power draw");
        try {
            var warning = browser.find(By.id("thresholds:rows:" + power + ":warning_input"));
            warning.sendKeys(Keys.chord(Keys.CONTROL, "a"), "70");
            browser.find(By.id("thresholds:save")).click();
            browser.until("the saved message", () -> text(browser.find(By.id("thresholds:messages"))).contains("every worker"));
            assertEquals("70", TestDatabase.query(DATABASE,
                    "SELECT warning_value FROM metric_thresholds WHERE worker_id IS NULL AND metric_name = 'power_draw_percent'"));
            browser.screenshot("thresholds-global");
            browser.find(By.id("topbar:nav-hardware")).click();
            awaitGauge(worker, "power_draw_percent", "73.1 %", "warning");
        } finally {
            TestDatabase.execute(DATABASE, "UPDATE metric_thresholds SET warning_value = 90 "
                    + "WHERE worker_id IS NULL AND metric_name = 'power_draw_percent'");
        }
    }

    private int rowOf(String metricLabel) {
        var rows = browser.findAll(By.cssSelector("[id='thresholds:rows'] tbody tr"));
        for (int i = 0; i < rows.size(); i++) {
            if (text(rows.get(i)).startsWith(metricLabel)) {
                return i;
            }
        }
        throw new AssertionError("no row " + metricLabel + " in " + rows.stream().map(Browser::text).toList());
    }
}
