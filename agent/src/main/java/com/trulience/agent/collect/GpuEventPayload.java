package com.trulience.agent.collect;

import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.StringWriter;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The {@code gpu_event} frame: {@code {"type":"gpu_event","seq":N,"timestamp":"...","gpu_index":1,
 * "uuid":"GPU-...","kind":"xid","xid":79}}. {@code seq} comes from whoever sends it (the outbox
 * numbers events and batches alike). The timestamp keeps milliseconds, unlike a sample's whole
 * second: two Xids of one second are two events, and their order matters.
 */
public final class GpuEventPayload {

    private static final JsonGeneratorFactory GENERATORS = Json.createGeneratorFactory(Map.of());

    private GpuEventPayload() {
    }

    public static String json(long seq, GpuEvent event) {
        var out = new StringWriter(160);
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", "gpu_event")
                    .write("seq", seq)
                    .write("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.timestamp().truncatedTo(ChronoUnit.MILLIS)))
                    .write("gpu_index", event.gpuIndex());
            if (event.uuid() == null) {
                json.writeNull("uuid");
            } else {
                json.write("uuid", event.uuid());
            }
            json.write("kind", event.kind().wire);
            if (event.xid() == null) {
                json.writeNull("xid");
            } else {
                json.write("xid", event.xid().longValue());
            }
            json.writeEnd();
        }
        return out.toString();
    }
}
