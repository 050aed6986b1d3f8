package com.trulience.platform.control;

import jakarta.json.JsonObject;

/**
 * A signal another backend node published through {@link ClusterSignals}, fired here as an asynchronous CDI event.
 * The component that publishes a topic also observes it, and ignores the other topics.
 */
public record ClusterSignal(String topic, JsonObject body) {

    public boolean is(String topic) {
        return this.topic.equals(topic);
    }

    public long workerId() {
        return body.getJsonNumber("worker_id").longValueExact();
    }
}
