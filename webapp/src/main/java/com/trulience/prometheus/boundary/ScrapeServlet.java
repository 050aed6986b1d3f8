package com.trulience.prometheus.boundary;

import com.trulience.metrics.control.FleetSnapshot;
import com.trulience.platform.control.BackendFigures;
import com.trulience.platform.control.DatabaseMigration;
import com.trulience.prometheus.control.FleetExposition;
import com.trulience.prometheus.control.OpenAlerts;
import com.trulience.prometheus.control.SeriesLabels;
import com.trulience.prometheus.control.XidCounts;
import com.trulience.prometheus.control.XidCounts.XidCount;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;

/**
 * {@code GET /metrics} for Prometheus: the text format 0.0.4, or OpenMetrics 1.0 when the Accept header asks for it
 * (Prometheus does), written by the Prometheus client library, gzipped when the client accepts it (Prometheus does).
 * Who may scrape is ScrapeAuthentication's and web.xml's.
 * An exact servlet mapping, so it wins over Payara's own MicroProfile Metrics servlet at {@code /metrics/*}.
 */
@WebServlet(ScrapeServlet.PATH)
public class ScrapeServlet extends HttpServlet {

    static final String PATH = "/metrics";
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final Logger LOG = Logger.getLogger(ScrapeServlet.class.getName());
    private static final ExpositionFormatWriter OPEN_METRICS = OpenMetricsTextFormatWriter.builder().setCreatedTimestampsEnabled(true).build();
    private static final ExpositionFormatWriter TEXT = PrometheusTextFormatWriter.create();

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    BackendFigures figures;

    @Inject
    FleetSnapshot snapshot;

    private final SeriesLabels labels = new SeriesLabels();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Long> alertsOpen;
        Map<Long, List<XidCount>> xidCounts;
        try (var connection = dataSource.getConnection()) {
            alertsOpen = OpenAlerts.bySeverity(connection);
            xidCounts = XidCounts.byWorker(connection);
        } catch (SQLException e) {
            // Prometheus records the failed scrape (up == 0); the fleet's series go stale rather than lie.
            LOG.log(Level.WARNING, "Scrape failed: the open alerts or the Xid counts could not be read", e);
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        var fleet = new FleetExposition(Instant.now(), xidCounts, labels);
        snapshot.workers().forEach(fleet::add);
        fleet.alertsOpen(alertsOpen);
        var writer = OPEN_METRICS.accepts(request.getHeader("Accept")) ? OPEN_METRICS : TEXT;
        response.setContentType(writer.getContentType());
        response.addHeader("Vary", "Accept-Encoding");
        boolean gzip = acceptsGzip(request.getHeader("Accept-Encoding"));
        if (gzip) {
            response.setHeader("Content-Encoding", "gzip");
        }
        try (var out = gzip ? fastestGzip(response.getOutputStream()) : new BufferedOutputStream(response.getOutputStream(), BUFFER_BYTES)) {
            writer.write(out, fleet.snapshots(figures.registry().scrape()));
        }
    }

    /** Whether the Accept-Encoding header names gzip other than with q=0 (Prometheus sends "gzip"). */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            if (parts[0].strip().equalsIgnoreCase("gzip")) {
                return parts.length < 2 || !parts[1].replace(" ", "").matches("(?i)q=0(\\.0{0,3})?");
            }
        }
        return false;
    }

    /**
     * Level 1: an eighth of the bytes (2.3 of 19.8 MB for 8,000 GPUs) for ~1.7 times the CPU of writing them plain;
     * the default level 6 would make 0.8 MB for three times that CPU (BENCHMARKS.md, "Prometheus scrape").
     */
    private static GZIPOutputStream fastestGzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, BUFFER_BYTES) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }
}
