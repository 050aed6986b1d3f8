package com.trulience.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The server's own time per request, from Payara's access log: the benchmark tags each request with a header
 * ({@value #HEADER}) that the log records next to {@code time-taken}, the milliseconds from the web container
 * taking the request (after the HTTP parse) to the application handing it the last byte of the body; the last
 * bytes still in the container's buffer and the transfer are not in it. Whole milliseconds, truncated (Payara
 * subtracts two {@code System.currentTimeMillis()}). The backend runs with {@link #MICRO_FORMAT}; Payara writes
 * the log every {@code --accessloginterval} seconds, so {@link #await} waits for it.
 */
final class AccessLogTimes {

    static final String HEADER = "X-Bench-Request";
    /** What scripts/bench-queries passes as {@code --accesslogformat}. */
    static final String MICRO_FORMAT = "%header.x-bench-request% %time-taken%";
    private static final Pattern LINE = Pattern.compile("\"([^\"]+)\" \"(\\d+)\"");

    private final Path directory;

    AccessLogTimes(Path directory) {
        this.directory = directory;
    }

    /** The milliseconds each tag took, once the log holds every one of them (at most 30 s). */
    long[] await(List<String> tags) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            var logged = read();
            if (logged.keySet().containsAll(tags)) {
                return tags.stream().mapToLong(logged::get).toArray();
            }
            if (attempt == 150) {
                throw new IllegalStateException("the access log in " + directory + " lacks some of " + tags.size()
                        + " requests (is the backend started with --accesslog and --accesslogformat \"" + MICRO_FORMAT + "\"?)");
            }
            Thread.sleep(200);
        }
    }

    private Map<String, Long> read() throws IOException {
        var logged = new HashMap<String, Long>();
        try (Stream<Path> files = Files.list(directory)) {
            for (var file : files.filter(Files::isRegularFile).toList()) {
                for (var line : Files.readAllLines(file)) {
                    var matcher = LINE.matcher(line);
                    if (matcher.find()) {
                        logged.put(matcher.group(1), Long.parseLong(matcher.group(2)));
                    }
                }
            }
        }
        return logged;
    }
}
