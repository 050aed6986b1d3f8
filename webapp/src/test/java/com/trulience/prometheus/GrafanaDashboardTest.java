package com.trulience.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of {@code server-config/grafana-dashboard.json} is PromQL that Prometheus accepts: promtool parses them
 * as the expressions of recording rules (no Grafana runs here, so this is as far as the dashboard is checked).
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "server-config", "grafana-dashboard.json");

    @Test
    void promtoolAcceptsEveryPanelsQuery(@TempDir Path directory) throws Exception {
        var promtool = List.of("/usr/bin/promtool", "/usr/local/bin/promtool").stream().filter(p -> new File(p).canExecute()).findFirst();
        Assumptions.assumeTrue(promtool.isPresent(), "promtool is not installed (Debian: apt-get install prometheus)");
        var dashboard = Json.createReader(new StringReader(Files.readString(DASHBOARD))).readObject();
        var queries = new ArrayList<String>();
        for (var panel : dashboard.getJsonArray("panels").getValuesAs(JsonObject.class)) {
            panel.getJsonArray("targets").getValuesAs(JsonObject.class).forEach(target -> queries.add(target.getString("expr")));
        }
        assertTrue(queries.contains("increase(trulience_gpu_xid_events_total{worker=~\"$worker\"}[1h])"), queries.toString());

        // A rules file in JSON, which is YAML too: each query a recording rule's expression.
        var rules = Json.createArrayBuilder();
        for (int i = 0; i < queries.size(); i++) {
            rules.add(Json.createObjectBuilder().add("record", "dashboard_query_" + i).add("expr", queries.get(i)));
        }
        var file = directory.resolve("dashboard-rules.yml");
        Files.writeString(file, Json.createObjectBuilder().add("groups", Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("name", "dashboard").add("rules", rules))).build().toString());
        var process = new ProcessBuilder(promtool.get(), "check", "rules", file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, process.exitValue(), "promtool check rules: " + output);
        assertTrue(output.contains("SUCCESS: " + queries.size() + " rules found"), output);
    }
}
