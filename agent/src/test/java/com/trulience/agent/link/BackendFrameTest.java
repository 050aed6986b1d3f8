package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.trulience.agent.restart.ActionCommand;
import com.trulience.agent.restart.RestartCommand;
import org.junit.jupiter.api.Test;

class BackendFrameTest {

    @Test
    void readsAnAck() {
        assertEquals(new BackendFrame.Ack(1042), BackendFrame.parse("{\"type\":\"ack\",\"seq\":1042}"));
        // a backend that tells a fast clock its offset (README, Protocol additions): the field is not needed here
        assertEquals(new BackendFrame.Ack(1043), BackendFrame.parse("{\"type\":\"ack\",\"seq\":1043,\"clock_offset_ms\":600000}"));
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
    void readsARestartCommandLeavingTheServiceNameToTheRestarter() {
        assertEquals(new BackendFrame.Restart(new RestartCommand(42, "comfyui", false, "VRAM leak")),
                BackendFrame.parse("{\"type\":\"restart\",\"restart_id\":42,\"service_name\":\"comfyui\",\"force\":false,"
                        + "\"reason\":\"VRAM leak\"}"));
        assertEquals(new BackendFrame.Restart(new RestartCommand(43, "comfyui; rm -rf /", true, null)),
                BackendFrame.parse("{\"type\":\"restart\",\"restart_id\":43,\"service_name\":\"comfyui; rm -rf /\",\"force\":true}"));
        // force only when it is the JSON literal true
        assertEquals(new BackendFrame.Restart(new RestartCommand(44, null, false, null)),
                BackendFrame.parse("{\"type\":\"restart\",\"restart_id\":44,\"service_name\":7,\"force\":\"true\"}"));
    }

    @Test
    void readsAnActionLeavingTheActionAndServiceNameToTheRestarter() {
        assertEquals(new BackendFrame.Action(new ActionCommand(42, "free_memory", "comfyui", false, "VRAM held while idle")),
                BackendFrame.parse("{\"type\":\"action\",\"action_id\":42,\"action\":\"free_memory\",\"service_name\":\"comfyui\","
                        + "\"force\":false,\"reason\":\"VRAM held while idle\"}"));
        assertEquals(new BackendFrame.Action(new ActionCommand(43, "reboot", "comfyui", true, null)),
                BackendFrame.parse("{\"type\":\"action\",\"action_id\":43,\"action\":\"reboot\",\"service_name\":\"comfyui\",\"force\":true}"));
        assertEquals(new BackendFrame.Action(new ActionCommand(44, null, null, false, null)),
                BackendFrame.parse("{\"type\":\"action\",\"action_id\":44,\"action\":1,\"service_name\":7,\"force\":\"true\"}"));
        assertEquals(new BackendFrame.Other("action without action_id"),
                BackendFrame.parse("{\"type\":\"action\",\"action_id\":0,\"action\":\"interrupt\"}"));
    }

    @Test
    void describesAnythingElseWithoutFailing() {
        assertEquals(new BackendFrame.Other("restart without restart_id"),
                BackendFrame.parse("{\"type\":\"restart\",\"service_name\":\"comfyui\"}"));
        assertEquals(new BackendFrame.Other("shutdown"), BackendFrame.parse("{\"type\":\"shutdown\"}"));
        assertEquals(new BackendFrame.Other("(not a JSON object)"), BackendFrame.parse("[1,2]"));
        assertEquals(new BackendFrame.Other("(not a JSON object)"), BackendFrame.parse("{oops"));
        assertEquals(new BackendFrame.Other("(no type)"), BackendFrame.parse("{}"));
        assertEquals(new BackendFrame.Other("ack without seq"), BackendFrame.parse("{\"type\":\"ack\"}"));
    }
}
