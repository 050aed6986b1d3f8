package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * GPU health on the hardware and worker pages (runs as {@link DashboardIT.GpuHealth}, issue 17): throttle and
 * row-remap badges on a GPU row, the red banner of a hardware Xid with its meaning and action, the card's slowdown
 * mark on the temperature gauge, the events timeline and the SM clock, memory temperature and margin charts.
 */
abstract class GpuHealthPageIT extends DashboardPages {

    @Test
    void aThrottledGpuWithAPendingRemapShowsBadgesAndAHardwareXidARedBannerWithItsMeaningAndAction() throws Exception {
        var worker = register();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send("""
                    {"type":"hello","worker_id":%d,"hostname":"health-dash-host","agent_version":"1.0.0","metrics_interval_secs":60,
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
            // connected while the pages are looked at, so that the card is online (an offline card is greyed out)
            checkPages(worker);
        }
    }

    private void checkPages(com.trulience.testing.Api.RegisteredWorker worker) throws Exception {
        String openXid = "SELECT COUNT(*) FROM alerts WHERE state = 'open' AND metric_name = 'xid_79' AND worker_id = " + worker.id();
        browser.until("the Xid 79 alert", () -> "1".equals(TestDatabase.query(DATABASE, openXid)));

        signIn("admin", ADMIN_PASSWORD);
        browser.until("the banner", () -> card(worker).findElement(By.cssSelector("[data-gpu='1'] .gpu-banner")));
        var gpu0 = card(worker).findElement(By.cssSelector("[data-gpu='0']"));
        List<String> badges = gpu0.findElements(By.cssSelector(".health-badge")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("Throttled: Power cap", "Throttled: HW thermal", "Row remap pending: reset"), badges);
        assertTrue(gpu0.findElements(By.cssSelector(".gpu-banner")).isEmpty());
        var mark = gpu0.findElement(By.cssSelector("[data-metric='temperature_celsius'] .tick.card-limit"));
        assertEquals("the card slows down at 87 °C", mark.getAttribute("title"));
        assertTrue(mark.getAttribute("style").contains("left: 87%"), mark.getAttribute("style"));
        var banner = card(worker).findElement(By.cssSelector("[data-gpu='1'] .gpu-banner"));
        assertTrue(text(banner).contains("fallen off the bus") && text(banner).contains("reboot the node"), text(banner));
        assertEquals(0, banner.findElements(By.xpath("./*")).size(), "the banner is text, never markup");
        browser.script("arguments[0].scrollIntoView({block: 'center'});", card(worker));
        browser.screenshot("health-hardware");
        browser.viewport(1920, 1080);
        browser.script("arguments[0].scrollIntoView({block: 'center'});", card(worker));
        browser.screenshot("health-hardware");

        browser.viewport(1280, 800);
        openWorkerPage(worker);
        String events = browser.until("the events table", () -> {
            String table = text(browser.find(By.id("gpu-events")));
            return table.contains("GPU has fallen off the bus") ? table : null;
        });
        assertTrue(events.contains("Xid 79") && events.contains("reboot the node"), events);
        assertTrue(browser.until("the SM clock chart", () -> datasetLabels("chartSmClock")).contains("GPU 0"));
        assertTrue(browser.until("the memory temperature chart", () -> datasetLabels("chartMemoryTemperature")).contains("GPU 1"));
        assertTrue(browser.until("the margin chart", () -> datasetLabels("chartMargin")).contains("Warning 10 °C"));
        browser.script("document.querySelector(\"[id$='chart-sm-clock']\").scrollIntoView({block: 'center'});");
        browser.screenshot("health-worker");
        browser.viewport(1920, 1080);
        browser.script("document.getElementById('gpu-events').scrollIntoView();");
        browser.screenshot("health-worker-events");
    }

    @SuppressWarnings("unchecked")
    private List<String> datasetLabels(String widgetVar) {
        return (List<String>) browser.script("""
                var widget = PF(arguments[0]);
                var chart = widget && (widget.chart || (window.Chart && Chart.getChart(widget.jq.find('canvas')[0])));
                return chart ? chart.data.datasets.filter(d => d.data.some(v => v !== null)).map(d => d.label) : null;""",
                widgetVar);
    }
}
