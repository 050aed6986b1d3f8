package com.trulience.agent.comfyui;

import jakarta.json.JsonException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ComfyUI's {@code GET /queue}: {@code {"queue_running":[[number, prompt_id, prompt, extra_data, outputs], ...],
 * "queue_pending":[...]}}. Read as a stream that counts the entries and skips them: every entry carries its whole
 * workflow, so a long queue is megabytes the agent has no use for as a tree.
 *
 * @param runningPromptId element [1] of the first running entry, null unless it is 1-128 of {@code [A-Za-z0-9._:-]}
 */
record QueueState(int running, int pending, String runningPromptId) {

    /** The backend's bounds on {@code jobs_running} and {@code jobs_pending}. */
    static final int MAX_JOBS = 100_000;
    static final Pattern PROMPT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Empty when the text is not such an object (both arrays are required). */
    static Optional<QueueState> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try (JsonParser parser = JSON.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return Optional.empty();
            }
            Integer running = null;
            Integer pending = null;
            String promptId = null;
            for (JsonParser.Event event = parser.next(); event != JsonParser.Event.END_OBJECT; event = parser.next()) {
                String key = parser.getString();
                JsonParser.Event value = parser.next();
                if (key.equals("queue_running") && value == JsonParser.Event.START_ARRAY) {
                    var first = new String[1];
                    running = count(parser, first);
                    promptId = first[0] != null && PROMPT_ID.matcher(first[0]).matches() ? first[0] : null;
                } else if (key.equals("queue_pending") && value == JsonParser.Event.START_ARRAY) {
                    pending = count(parser, null);
                } else {
                    skip(parser, value);
                }
            }
            return running == null || pending == null ? Optional.empty()
                    : Optional.of(new QueueState(Math.min(running, MAX_JOBS), Math.min(pending, MAX_JOBS), promptId));
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            return Optional.empty();
        } catch (RuntimeException beyondParserLimits) {
            // Parsson's guards (nesting, number length) throw plain runtime exceptions: as unreadable as bad JSON.
            return Optional.empty();
        }
    }

    /** Counts the entries of the array just opened; {@code firstPromptId[0]} gets element [1] of the first entry. */
    private static int count(JsonParser parser, String[] firstPromptId) {
        int entries = 0;
        for (JsonParser.Event event = parser.next(); event != JsonParser.Event.END_ARRAY; event = parser.next()) {
            if (entries == 0 && firstPromptId != null && event == JsonParser.Event.START_ARRAY) {
                firstPromptId[0] = secondString(parser);
            } else {
                skip(parser, event);
            }
            entries++;
        }
        return entries;
    }

    /** Reads the array just opened to its end; its second element if that is a string. */
    private static String secondString(JsonParser parser) {
        String second = null;
        int position = 0;
        for (JsonParser.Event event = parser.next(); event != JsonParser.Event.END_ARRAY; event = parser.next()) {
            if (position == 1 && event == JsonParser.Event.VALUE_STRING) {
                second = parser.getString();
            }
            skip(parser, event);
            position++;
        }
        return second;
    }

    private static void skip(JsonParser parser, JsonParser.Event event) {
        if (event == JsonParser.Event.START_ARRAY) {
            parser.skipArray();
        } else if (event == JsonParser.Event.START_OBJECT) {
            parser.skipObject();
        }
    }
}
