package com.trulience.agents.control;

import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hostile variants of valid frames, structure-aware where it matters (numbers, strings, keys, nesting) and blind
 * where it does not (truncation, byte flips). Everything comes from the one {@link Random}, so a seed replays a run.
 */
final class FrameMutator {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    // Runs of plain characters as one step: one step per character overflows the regex engine's stack on long strings.
    private static final String QUOTED = "\"(?:[^\"\\\\]++|\\\\.)*+\"";
    private static final Pattern STRING = Pattern.compile(QUOTED);
    private static final Pattern MEMBER = Pattern.compile(QUOTED + "\\s*:\\s*(?:" + QUOTED + "|[^,{}\\[\\]]++)");
    private static final List<String> NUMBERS = List.of("-1", "0", "-0", "1.5", "1e400", "-1e400", "1e-400", "1e999999999",
            "1e99999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648", "65", "64",
            "101", "151", "-41", "NaN", "Infinity", "\"7\"", "null", "true", "[]", "{}", "1".repeat(1200), "0x10", "1_000");
    private static final List<String> STRINGS = List.of("\"\"", "\"" + "x".repeat(10_000) + "\"", "\"<script>alert(1)</script>\"",
            "\"comfyui; reboot\"", "\"../../etc/passwd\"", "\"\\u0000\"", "\"\\ud800\"", "\"\u202e\u0456\uff43\"", "\"\uD83D\uDE80\"",
            "\"a\\nb\"", "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"", "\"2026-11-28T05:00:00+99:00\"",
            "\"failed\"", "\"hello\"", "\"gpu_metrics\"", "\"restart_status\"", "42", "null", "[\"comfyui\"]");
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", "\"", ",", ":", "\\", "null", "-", "\u0000",
            "\uD800", "\uFFFF", "\uD83D\uDE80", " ", "\n", "1e", "\"type\":\"hello\",", "\"worker_id\":7,", "\"gpu_index\":0,");
    private static final List<String> TYPES = List.of("hello", "gpu_metrics", "restart_status", "ack", "", "HELLO");

    private final Random random;
    private final List<String> seeds;

    FrameMutator(Random random, List<String> seeds) {
        this.random = random;
        this.seeds = seeds;
    }

    String next() {
        String text = pick(seeds);
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            text = mutate(text);
        }
        return text;
    }

    private String mutate(String text) {
        return switch (random.nextInt(10)) {
            case 0 -> text.substring(0, random.nextInt(text.length() + 1));
            case 1 -> flip(text);
            case 2 -> insert(text, pick(TOKENS));
            case 3 -> replaceOne(text, NUMBER, pick(NUMBERS));
            case 4 -> replaceOne(text, STRING, pick(STRINGS));
            case 5 -> duplicateMember(text);
            case 6 -> replaceOne(text, MEMBER, "");
            case 7 -> text.replaceFirst("\"type\":\"[a-z_]*\"", "\"type\":\"" + pick(TYPES) + "\"");
            case 8 -> nest(text);
            default -> repeatElement(text);
        };
    }

    private String flip(String text) {
        if (text.isEmpty()) {
            return text;
        }
        int at = random.nextInt(text.length());
        return text.substring(0, at) + (char) random.nextInt(0x3000) + text.substring(at + 1);
    }

    private String insert(String text, String token) {
        int at = random.nextInt(text.length() + 1);
        return text.substring(0, at) + token + text.substring(at);
    }

    /** One random match of {@code pattern} replaced; the text unchanged when there is none. */
    private String replaceOne(String text, Pattern pattern, String replacement) {
        var matches = pattern.matcher(text).results().toList();
        if (matches.isEmpty()) {
            return text;
        }
        var match = pick(matches);
        return text.substring(0, match.start()) + replacement + text.substring(match.end());
    }

    private String duplicateMember(String text) {
        var members = MEMBER.matcher(text).results().toList();
        if (members.isEmpty()) {
            return text;
        }
        var member = pick(members);
        return text.substring(0, member.start()) + member.group() + "," + text.substring(member.start());
    }

    /** A value wrapped in up to 2,000 arrays or objects. */
    private String nest(String text) {
        int depth = 1 + random.nextInt(random.nextBoolean() ? 5 : 2_000);
        boolean arrays = random.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        return replaceOne(text, NUMBER, open.repeat(depth) + "1" + close.repeat(depth));
    }

    /** The first array element repeated up to 200 times: too many GPUs, repeated indexes, repeated services. */
    private String repeatElement(String text) {
        Matcher array = Pattern.compile("\\[(\\{[^\\[\\]]*?\\}|\"[^\"]*\"|\\d+)").matcher(text);
        if (!array.find()) {
            return text;
        }
        String element = array.group(1);
        String repeated = (element + ",").repeat(random.nextInt(200));
        return text.substring(0, array.start(1)) + repeated + text.substring(array.start(1));
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
