package com.trulience.dashboard.control;

import com.trulience.dashboard.control.GpuTile.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The fleet page's sort and filter as its URL query carries them ({@code sort}, {@code status}, {@code level}, {@code q},
 * {@code alert}), so that the cards view shows the same selection. resources/fleet.js applies the same rules in the
 * browser; an unknown value falls back to the default rather than refusing the page.
 */
public record FleetFilter(String sort, String status, String level, String search, boolean withOpenAlert) {

    public static final List<String> SORTS = List.of("worst", "name", "hottest", "vram");
    public static final int SEARCH_MAX = 100;
    private static final Comparator<WorkerTile> BY_NAME = Comparator.comparing(WorkerTile::name).thenComparingLong(WorkerTile::id);

    public static FleetFilter of(Function<String, String> parameter) {
        String search = parameter.apply("q");
        search = search == null ? "" : search.strip();
        return new FleetFilter(oneOf(parameter.apply("sort"), SORTS), oneOf(parameter.apply("status"), List.of("all", "online", "offline")),
                oneOf(parameter.apply("level"), List.of("all", "critical", "warning", "ok")),
                search.length() > SEARCH_MAX ? search.substring(0, SEARCH_MAX) : search,
                "1".equals(parameter.apply("alert")) || "true".equals(parameter.apply("alert")));
    }

    public boolean matches(WorkerTile worker) {
        if (status.equals("online") && !worker.online() || status.equals("offline") && worker.online()) {
            return false;
        }
        // A level is a current reading's: an offline worker's GPUs have none (the summary counts them as offline).
        if (!level.equals("all") && !worker.online()) {
            return false;
        }
        var worst = worker.worst();
        if (level.equals("critical") && worst != Level.CRITICAL || level.equals("warning") && worst == Level.OK
                || level.equals("ok") && worst != Level.OK) {
            return false;
        }
        if (withOpenAlert && worker.alerts().total() == 0) {
            return false;
        }
        if (search.isEmpty()) {
            return true;
        }
        String needle = search.toLowerCase(Locale.ROOT);
        return worker.name().toLowerCase(Locale.ROOT).contains(needle)
                || worker.hostname() != null && worker.hostname().toLowerCase(Locale.ROOT).contains(needle);
    }

    public Comparator<WorkerTile> order() {
        return switch (sort) {
            case "name" -> BY_NAME;
            case "hottest" -> Comparator.comparingInt(WorkerTile::hottest).reversed().thenComparing(BY_NAME);
            case "vram" -> Comparator.comparingDouble(WorkerTile::fullestVram).reversed().thenComparing(BY_NAME);
            default -> Comparator.comparingInt(WorkerTile::trouble).reversed().thenComparing(BY_NAME);
        };
    }

    /** The query string of this selection, without defaults; empty for the default view. */
    public String query() {
        var pairs = new LinkedHashMap<String, String>();
        if (!sort.equals("worst")) {
            pairs.put("sort", sort);
        }
        if (!status.equals("all")) {
            pairs.put("status", status);
        }
        if (!level.equals("all")) {
            pairs.put("level", level);
        }
        if (!search.isEmpty()) {
            pairs.put("q", search);
        }
        if (withOpenAlert) {
            pairs.put("alert", "1");
        }
        var query = new StringBuilder();
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            query.append(query.isEmpty() ? "" : "&").append(pair.getKey()).append('=')
                    .append(URLEncoder.encode(pair.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return query.toString();
    }

    private static String oneOf(String value, List<String> allowed) {
        return value != null && allowed.contains(value) ? value : allowed.get(0);
    }
}
