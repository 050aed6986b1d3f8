package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Frames;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The worker page (runs as {@link DashboardIT.WorkerPage}): history charts with their threshold lines. */
abstract class WorkerPageIT extends DashboardPages {

    @Test
    void theWorkerChartsDrawTheThresholdLinesFor1hAnd24h() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id(), 5));
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < 12; i++) {
                agent.send(Frames.metrics(worker.id(), i + 1, now.minusSeconds(5L * (12 - i)),
                        Frames.BUSY.utilization(83).temperature(55 + i * 3), Frames.IDLE));
                assertEquals("{\"type\":\"ack\",\"seq\":" + (i + 1) + "}", agent.next());
            }
        }
        signIn("admin", ADMIN_PASSWORD);
        openWorkerPage(worker);
        for (String range : List.of("1 h", "24 h")) {
            browser.find(By.linkText(range)).click();
            browser.until("range " + range + " selected", () -> text(browser.find(By.cssSelector(".ranges a.active"))).equals(range));
            List<String> labels = browser.until("the temperature chart of " + range, () -> datasetLabels("chartTemperature"));
            assertTrue(labels.contains("GPU 0") && labels.contains("GPU 1"), labels.toString());
            assertTrue(labels.contains("Warning 70 °C") && labels.contains("Critical 85 °C"), labels.toString());
            assertTrue(datasetLabels("chartVram").contains("Critical 95 %"), datasetLabels("chartVram").toString());
            assertTrue(datasetLabels("chartPower").contains("Warning 90 %"), datasetLabels("chartPower").toString());
        }
        browser.screenshot("worker-24h");
        browser.viewport(1920, 1080);
        browser.screenshot("worker-24h");
    }

    @Test
    void anUnknownWorkerIdShowsNotFound() throws Exception {
        signIn("admin", ADMIN_PASSWORD);
        browser.open(base, "admin/worker.xhtml?id=999999");
        assertTrue(text(browser.find(By.id("not-found"))).contains("Worker not found"));
        browser.open(base, "admin/worker.xhtml?id=abc");
        assertTrue(text(browser.find(By.id("not-found"))).contains("Worker not found"));
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
