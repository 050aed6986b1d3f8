package com.trulience.dashboard.control;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.GpuKey;
import com.trulience.alerts.control.GpuTrouble;
import com.trulience.alerts.control.OpenAlertCounts;
import com.trulience.alerts.control.Thresholds;
import com.trulience.metrics.control.FleetSnapshot;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.platform.control.DatabaseMigration;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;

/**
 * The one server-side picture of the fleet that every open dashboard shares: read once per change (on FleetPush's
 * throttle), never once per viewer. Each refresh is a new version; what changed since the previous version is the
 * push message, and the whole fleet of the newest version is one cached document (plain and gzipped) that every
 * viewer who starts, reconnects or missed a version reads.
 * <p>
 * {@link #read()} takes the fleet from the metrics component's in-memory {@link FleetSnapshot} (no table scan); only the
 * open-alert counts per worker are queried.
 */
@ApplicationScoped
public class FleetView {

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    FleetSnapshot fleet;

    @Inject
    Thresholds thresholds;

    @Inject
    GpuTrouble trouble;

    /** tiles: every worker's tiles in name order; workers, thresholds and banners: what the cards view draws from. */
    public record Snapshot(long version, List<WorkerNow> workers, EffectiveThresholds thresholds, Map<GpuKey, String> banners,
                           Map<Long, WorkerTile> tiles, FleetSummary summary) {
    }

    /** The whole fleet of one version, as the JSON document and gzipped. */
    public record Document(long version, byte[] json, byte[] gzipped) {
    }

    private Snapshot snapshot;
    private volatile boolean stale = true;
    private volatile Document document;

    /** The newest snapshot; re-read first when a change came while nobody listened. */
    public synchronized Snapshot current() {
        if (stale || snapshot == null) {
            refresh();
        }
        return snapshot;
    }

    /** The next reader re-reads: something changed while nobody listened (no push reads for nobody), or the levels changed. */
    public void markStale() {
        stale = true;
    }

    /**
     * Re-reads the fleet as the next version and returns the push message of its changes (possibly none). In a
     * transaction: FleetPush calls it on a scheduler thread, where a query of a transaction-scoped EntityManager
     * without one failed with "Attempting to execute an operation on a closed EntityManager".
     */
    @Transactional
    public synchronized String refresh() {
        var previous = snapshot;
        var next = read(previous == null ? 1 : previous.version() + 1);
        var before = previous == null ? Map.<Long, WorkerTile>of() : previous.tiles();
        var changed = new LinkedHashMap<WorkerTile, List<GpuTile>>();
        var removed = new ArrayList<String>();
        for (var worker : next.tiles().values()) {
            var old = before.get(worker.id());
            var oldGpus = new HashMap<Integer, GpuTile>();
            if (old != null) {
                old.gpus().forEach(gpu -> oldGpus.put(gpu.index(), gpu));
            }
            var gpus = new ArrayList<GpuTile>();
            for (var gpu : worker.gpus()) {
                if (!gpu.looksLike(oldGpus.remove(gpu.index()))) {
                    gpus.add(gpu);
                }
            }
            oldGpus.keySet().forEach(index -> removed.add(worker.id() + ":" + index));
            if (!gpus.isEmpty() || !worker.sameHeader(old)) {
                changed.put(worker, gpus);
            }
        }
        before.keySet().stream().filter(id -> !next.tiles().containsKey(id)).forEach(id -> removed.add(Long.toString(id)));
        snapshot = next;
        stale = false;
        return FleetJson.delta(next.version(), changed, removed, next.summary());
    }

    /** What a push socket hears first: the newest version (re-read first if stale), see {@link FleetJson#current}. */
    public String greeting() {
        return FleetJson.current(current().version());
    }

    /** The whole fleet of the newest version, built once per version whoever asks. */
    public Document document() {
        var current = current();
        var built = document;
        if (built == null || built.version() != current.version()) {
            byte[] json = FleetJson.document(current.version(), current.tiles().values(), current.summary()).getBytes(StandardCharsets.UTF_8);
            built = new Document(current.version(), json, gzip(json));
            document = built;
        }
        return built;
    }

    private Snapshot read(long version) {
        var inForce = thresholds.inForce();
        var banners = trouble.open();
        try (var connection = dataSource.getConnection()) {
            var workers = fleet.workers();
            var alerts = OpenAlertCounts.perWorker(connection);
            var tiles = new LinkedHashMap<Long, WorkerTile>();
            for (var worker : workers) {
                tiles.put(worker.id(), new WorkerTile(worker.id(), worker.name(), worker.hostname(), worker.online(),
                        alerts.getOrDefault(worker.id(), OpenAlertCounts.Counts.NONE), worker.gpus().stream()
                        .map(gpu -> GpuTile.of(worker.id(), gpu, inForce, banners.get(new GpuKey(worker.id(), gpu.gpuIndex())))).toList()));
            }
            return new Snapshot(version, workers, inForce, banners, tiles, FleetSummary.of(tiles.values()));
        } catch (SQLException e) {
            throw new IllegalStateException("current fleet query failed", e);
        }
    }

    private static byte[] gzip(byte[] json) {
        var out = new ByteArrayOutputStream(json.length / 6 + 64);
        try (var zip = new GZIPOutputStream(out)) {
            zip.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
