package com.trulience.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Deployed;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import java.io.File;
import java.io.StringReader;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * GPU health on the dashboard in Chromium (issue 17): the throttle and row-remap badges on a GPU row, the red
 * banner of a hardware Xid with its meaning and action, the card's slowdown mark on the temperature gauge, and the
 * worker page's events timeline and SM clock and memory temperature charts. Screenshots in target/screenshots.
 */
@ExtendWith(ArquillianExtension.class)
class GpuHealthDashboardIT extends Deployed {

    private static final String DATABASE = "trulience_it_gpu_health_dashboard";
    private static final String ADMIN_PASSWORD = "health-dashboard-admin-password";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static ChromeDriver browser;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of());
    }

    @AfterAll
    static void quit() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    @Test
    void aThrottledGpuWithAPendingRemapShowsBadgesAndAHardwareXidARedBannerWithItsMeaningAndAction() throws Exception {
        Assumptions.assumeTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "browser tests skipped: install Chromium with `apt-get install -y chromium chromium-driver` (scripts/test does as root)");
        var admin = Api.as(base, "admin", ADMIN_PASSWORD);
        var worker = admin.registerWorker("gpu-health-dash");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send("""
                    {"type":"hello","worker_id":%d,"hostname":"health-dash-host","agent_version":"1.0.0",
                     "gpus":[{"gpu_index":0,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-a","power_limit_watts":700,
                              "slowdown_temperature_celsius":87,"shutdown_temperature_celsius":92},
                             {"gpu_index":1,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-b","power_limit_watts":700,
                              "slowdown_temperature_celsius":87}]}""".formatted(worker.id()));
            for (int i = 0; i < 6; i++) {
                agent.send("""
                        {"type":"gpu_metrics","worker_id":%d,"seq":%d,"timestamp":"%s","metrics":[
                         {"gpu_index":0,"vram_used_mb":40213,"vram_total_mb":81559,"temperature_celsius":%d,"utilization_percent":83,
                          "power_draw_watts":512,"sm_clock_mhz":%d,"memory_temperature_celsius":%d,
                          "throttle_reasons":["sw_power_cap","hw_thermal_slowdown"],"ecc_uncorrected_volatile":0,
                          "remapped_rows_pending":true,"remapped_rows_failure":false},
                         {"gpu_index":1,"vram_used_mb":1024,"vram_total_mb":81559,"temperature_celsius":40,"utilization_percent":0,
                          "sm_clock_mhz":345,"memory_temperature_celsius":38,"throttle_reasons":[]}]}"""
                        .formatted(worker.id(), i + 1, now.minusSeconds(60 - 5L * i), 74 + i, 1980 - 60 * i, 80 + i));
                assertEquals("{\"type\":\"ack\",\"seq\":" + (i + 1) + "}", agent.next());
            }
            agent.send("""
                    {"type":"gpu_event","seq":7,"timestamp":"%s","gpu_index":1,"uuid":"GPU-b","kind":"xid","xid":79}"""
                    .formatted(now.minusSeconds(20).plusMillis(250)));
            assertEquals("{\"type\":\"ack\",\"seq\":7}", agent.next());
        }
        awaitQuery("SELECT COUNT(*) FROM alerts WHERE state = 'open' AND metric_name = 'xid_79' AND worker_id = " + worker.id(), "1");

        startBrowser();
        signIn();
        var card = until("the card", () -> browser.findElement(By.cssSelector("[data-worker='" + worker.id() + "']")));
        var gpu0 = card.findElement(By.cssSelector("[data-gpu='0']"));
        List<String> badges = gpu0.findElements(By.cssSelector(".health-badge")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("Throttled: Power cap", "Throttled: HW thermal", "Row remap pending: reset"), badges);
        var banner = until("the banner", () -> card.findElement(By.cssSelector("[data-gpu='1'] .gpu-banner")));
        assertTrue(banner.getText().contains("fallen off the bus") && banner.getText().contains("reboot the node"), banner.getText());
        assertEquals(0, banner.findElements(By.xpath("./*")).size(), "the banner is text, never markup");
        assertTrue(gpu0.findElements(By.cssSelector(".gpu-banner")).isEmpty());
        var mark = gpu0.findElement(By.cssSelector("[data-metric='temperature_celsius'] .tick.card-limit"));
        assertEquals("the card slows down at 87 °C", mark.getAttribute("title"));
        assertTrue(mark.getAttribute("style").contains("left: 87.0%"), mark.getAttribute("style"));
        screenshot("health-hardware-1280x800");
        viewport(1920, 1080);
        screenshot("health-hardware-1920x1080");

        viewport(1280, 800);
        card.findElement(By.cssSelector(".worker-name")).click();
        until("the events table", () -> browser.findElement(By.id("gpu-events")).getText().contains("GPU has fallen off the bus"));
        String events = browser.findElement(By.id("gpu-events")).getText();
        assertTrue(events.contains("Xid 79") && events.contains("reboot the node"), events);
        assertTrue(until("the SM clock chart", () -> datasetLabels("chartSmClock")).contains("GPU 0"));
        assertTrue(until("the memory temperature chart", () -> datasetLabels("chartMemoryTemperature")).contains("GPU 1"));
        assertTrue(until("the margin chart", () -> datasetLabels("chartMargin")).contains("Warning 10 °C"));
        screenshot("health-worker-1280x800");
        viewport(1920, 1080);
        ((JavascriptExecutor) browser).executeScript("document.getElementById('gpu-events').scrollIntoView();");
        screenshot("health-worker-events-1920x1080");
    }

    private static void startBrowser() throws Exception {
        if (browser == null) {
            System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
            var options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--window-size=1280,800", "--user-data-dir=" + Files.createTempDirectory("health-dashboard-it-chromium"));
            browser = new ChromeDriver(options);
        }
        viewport(1280, 800);
    }

    private void signIn() throws Exception {
        browser.get(new URL(base, "login.xhtml").toString());
        browser.findElement(By.id("login:username")).sendKeys("admin");
        browser.findElement(By.id("login:password")).sendKeys(ADMIN_PASSWORD);
        browser.findElement(By.id("login:submit")).click();
        until("the hardware page after login", () -> browser.getCurrentUrl().contains("/admin/hardware.xhtml"), Duration.ofSeconds(30));
    }

    @SuppressWarnings("unchecked")
    private static List<String> datasetLabels(String widgetVar) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("""
                var widget = PF(arguments[0]);
                var chart = widget && (widget.chart || (window.Chart && Chart.getChart(widget.jq.find('canvas')[0])));
                return chart ? chart.data.datasets.filter(d => d.data.some(v => v !== null)).map(d => d.label) : null;""",
                widgetVar);
    }

    private static <T> T until(String what, Supplier<T> condition) {
        return until(what, condition, Duration.ofSeconds(10));
    }

    private static <T> T until(String what, Supplier<T> condition, Duration deadline) {
        return new WebDriverWait(browser, deadline)
                .withMessage("waiting for " + what)
                .ignoring(NoSuchElementException.class)
                .ignoring(StaleElementReferenceException.class)
                .until(driver -> {
                    T value = condition.get();
                    return Boolean.FALSE.equals(value) ? null : value;
                });
    }

    private static void awaitQuery(String sql, String wanted) throws InterruptedException {
        var deadline = Instant.now().plusSeconds(15);
        String value = TestDatabase.query(DATABASE, sql);
        while (!wanted.equals(value) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            value = TestDatabase.query(DATABASE, sql);
        }
        assertEquals(wanted, value, sql);
    }

    /** The page's own area at that size: the window around it is larger by the browser's frame. */
    private static void viewport(int width, int height) {
        browser.manage().window().setSize(new Dimension(width, height));
        var inner = (List<?>) ((JavascriptExecutor) browser).executeScript("return [window.innerWidth, window.innerHeight];");
        int frameWidth = width - ((Number) inner.get(0)).intValue();
        int frameHeight = height - ((Number) inner.get(1)).intValue();
        if (frameWidth != 0 || frameHeight != 0) {
            browser.manage().window().setSize(new Dimension(width + frameWidth, height + frameHeight));
        }
    }

    private static void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
