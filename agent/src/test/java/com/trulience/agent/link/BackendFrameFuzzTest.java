package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the agent's reading of backend frames, briefer than the backend's FrameParserFuzzTest.
 * Property: {@link BackendFrame#parse} answers every text with a frame (Other for anything unusable), never an
 * exception, never a slow input. Runs {@code -Dfuzz.seconds} (1 by default); {@code -Dfuzz.seed} replays a run.
 */
class BackendFrameFuzzTest {

    private static final List<String> SEEDS = List.of("{\"type\":\"ack\",\"seq\":1042}",
            "{\"type\":\"error\",\"seq\":7,\"code\":\"invalid_payload\",\"message\":\"must be 0..100\",\"field\":\"metrics[0].utilization_percent\"}",
            "{\"type\":\"restart\",\"restart_id\":42,\"service_name\":\"comfyui\",\"force\":false,\"reason\":\"VRAM leak\"}");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final List<String> VALUES = List.of("-1", "0", "1.5", "1e400", "1e99999999999", "9223372036854775808", "NaN",
            "\"42\"", "null", "true", "[]", "{}", "1".repeat(1200), "\"\\ud800\"", "[".repeat(1500) + "]".repeat(1500),
            "{\"a\":".repeat(1500) + "1" + "}".repeat(1500));
    private static final List<String> TYPES = List.of("ack", "error", "restart", "shutdown", "", "ACK");
    private static final Duration SLOW = Duration.ofSeconds(1);

    @Test
    void answersEveryMutatedBackendFrameWithAFrame() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        var budget = Duration.ofSeconds(Long.getLong("fuzz.seconds", 1));
        long inputs = assertTimeoutPreemptively(budget.plusSeconds(30), () -> fuzz(seed, budget),
                () -> "an input hangs BackendFrame.parse; reproduce with -Dfuzz.seed=" + seed);
        System.out.printf("BackendFrameFuzzTest: %,d inputs in %d s, seed %d%n", inputs, budget.toSeconds(), seed);
    }

    private static long fuzz(long seed, Duration budget) {
        var random = new Random(seed);
        long deadline = System.nanoTime() + budget.toNanos();
        long inputs = 0;
        while (System.nanoTime() < deadline) {
            String text = SEEDS.get(random.nextInt(SEEDS.size()));
            for (int i = random.nextInt(4); i >= 0; i--) {
                text = mutate(text, random);
            }
            long start = System.nanoTime();
            try {
                if (BackendFrame.parse(text) == null) {
                    throw new AssertionError("no frame");
                }
            } catch (RuntimeException | Error wrong) {
                throw new AssertionError("input #" + inputs + " of seed " + seed + " (-Dfuzz.seed=" + seed + "): "
                        + text.substring(0, Math.min(300, text.length())), wrong);
            }
            if (System.nanoTime() - start > SLOW.toNanos()) {
                throw new AssertionError("input #" + inputs + " of seed " + seed + " took over " + SLOW);
            }
            inputs++;
        }
        return inputs;
    }

    private static String mutate(String text, Random random) {
        int at = random.nextInt(text.length() + 1);
        return switch (random.nextInt(5)) {
            case 0 -> text.substring(0, at);
            case 1 -> at == text.length() ? text : text.substring(0, at) + (char) random.nextInt(0x3000) + text.substring(at + 1);
            case 2 -> text.replaceFirst("\"type\":\"[a-z]*\"", "\"type\":\"" + TYPES.get(random.nextInt(TYPES.size())) + "\"");
            case 3 -> text.replaceFirst("\"[a-z_]+\":", "$0$0" + VALUES.get(random.nextInt(VALUES.size())) + ",");
            default -> {
                var numbers = NUMBER.matcher(text).results().toList();
                if (numbers.isEmpty()) {
                    yield text;
                }
                var number = numbers.get(random.nextInt(numbers.size()));
                yield text.substring(0, number.start()) + VALUES.get(random.nextInt(VALUES.size())) + text.substring(number.end());
            }
        };
    }
}
