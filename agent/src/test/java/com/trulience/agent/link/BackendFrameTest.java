package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BackendFrameTest {

    @Test
    void readsAnAck() {
        assertEquals(new BackendFrame.Ack(1042), BackendFrame.parse("{\"type\":\"ack\",\"seq\":1042}"));
    }

    @Test
    void readsAnErrorForABatchAndOneForTheHello() {
        assertEquals(new BackendFrame.Error(7L, "invalid_payload", "must be 0..100", "metrics[0].utilization_percent"),
                BackendFrame.parse("{\"type\":\"error\",\"seq\":7,\"code\":\"invalid_payload\",\"message\":\"must be 0..100\","
                        + "\"field\":\"metrics[0].utilization_percent\"}"));
        assertEquals(new BackendFrame.Error(null, "invalid_json", "the frame is not a JSON object", null),
                BackendFrame.parse("{\"type\":\"error\",\"seq\":null,\"code\":\"invalid_json\",\"message\":\"the frame is not a JSON object\"}"));
    }

    @Test
    void describesAnythingElseWithoutFailing() {
        assertEquals(new BackendFrame.Other("restart"),
                BackendFrame.parse("{\"type\":\"restart\",\"restart_id\":42,\"service_name\":\"comfyui\"}"));
        assertEquals(new BackendFrame.Other("(not a JSON object)"), BackendFrame.parse("[1,2]"));
        assertEquals(new BackendFrame.Other("(not a JSON object)"), BackendFrame.parse("{oops"));
        assertEquals(new BackendFrame.Other("(no type)"), BackendFrame.parse("{}"));
        assertEquals(new BackendFrame.Other("ack without seq"), BackendFrame.parse("{\"type\":\"ack\"}"));
    }
}
