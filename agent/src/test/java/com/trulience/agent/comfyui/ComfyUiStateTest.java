package com.trulience.agent.comfyui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** ComfyUI's answers parsed, and cut to the backend's bounds so that the agent never sends what it refuses. */
class ComfyUiStateTest {

    private static final QueueState IDLE = new QueueState(0, 0, null);

    @Test
    void countsTheQueuesAndTakesThePromptIdOfTheFirstRunningEntry() {
        assertEquals(Optional.of(new QueueState(2, 3, "abc-1")), QueueState.parse("""
                {"queue_running":[[1,"abc-1",{"3":{"inputs":{"seed":[1,[2,{"x":[]}]]}}},{"client_id":"c"},["9"]],
                                  [2,"def-2",{},{},[]]],
                 "queue_pending":[[3,"p1",{},{},[]],[4,"p2",{},{},[]],[5,"p3",{},{},[]]],
                 "extra":{"nested":[1,2,3]}}"""));
        assertEquals(Optional.of(new QueueState(0, 0, null)), QueueState.parse("{\"queue_pending\":[],\"queue_running\":[]}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "<html>", "{\"queue_running\":[]}", "{\"queue_pending\":[]}",
            "{\"queue_running\":{},\"queue_pending\":[]}", "{\"queue_running\":[],\"queue_pending\":[", "{\"queue_running\":[],"})
    void refusesWhatIsNotAQueue(String text) {
        assertEquals(Optional.empty(), QueueState.parse(text));
    }

    @Test
    void dropsAPromptIdOutsideTheBackendsCharacters() {
        for (String id : List.of("has space", "x".repeat(129), "", "a\\nb", "ü")) {
            assertNull(QueueState.parse("{\"queue_running\":[[1,\"" + id + "\"]],\"queue_pending\":[]}").orElseThrow()
                    .runningPromptId(), id);
        }
        assertNull(QueueState.parse("{\"queue_running\":[[1,42]],\"queue_pending\":[]}").orElseThrow().runningPromptId());
        assertEquals("a.b_c:d-1", QueueState.parse("{\"queue_running\":[[1,\"a.b_c:d-1\"]],\"queue_pending\":[]}")
                .orElseThrow().runningPromptId());
    }

    @Test
    void capsTheJobCountsAtTheBackendsBound() {
        String many = "[" + String.join(",", java.util.Collections.nCopies(100_001, "0")) + "]";
        var queue = QueueState.parse("{\"queue_running\":[],\"queue_pending\":" + many + "}").orElseThrow();
        assertEquals(100_000, queue.pending());
    }

    @Test
    void keepsOnlyValidDevicesAndSizes() {
        var state = ComfyUiState.of(IDLE, """
                {"system":{"comfyui_version":"0.3.40"},"devices":[
                  {"name":"cpu","type":"cpu","index":null,"torch_vram_total":0,"torch_vram_free":0},
                  {"index":0,"torch_vram_total":1073741824,"torch_vram_free":2147483648},
                  {"index":0,"torch_vram_total":5,"torch_vram_free":5},
                  {"index":64,"torch_vram_total":5,"torch_vram_free":5},
                  {"index":1.5},
                  {"index":2,"torch_vram_total":-1,"torch_vram_free":1e999999999},
                  {"index":3,"torch_vram_total":1.5e9,"torch_vram_free":"much"},
                  {"index":4,"torch_vram_total":10485761048576000}]}""").orElseThrow();

        assertEquals(List.of(new ComfyUiState.Device(0, 1024L, null), new ComfyUiState.Device(2, null, null),
                new ComfyUiState.Device(3, 1430L, null), new ComfyUiState.Device(4, null, null)), state.devices());
        assertEquals("0.3.40", state.version());
    }

    @Test
    void dropsAVersionTheBackendWouldRefuse() {
        for (String version : List.of("", "v".repeat(65), "0.3\\u0007", "0.3\\u200b")) {
            assertNull(ComfyUiState.of(IDLE, "{\"system\":{\"comfyui_version\":\"" + version + "\"}}").orElseThrow().version(),
                    version);
        }
        assertEquals("v".repeat(64), ComfyUiState.of(IDLE, "{\"system\":{\"comfyui_version\":\"" + "v".repeat(64) + "\"}}")
                .orElseThrow().version());
        assertNull(ComfyUiState.of(IDLE, "{}").orElseThrow().devices(), "no devices listed: null");
    }

    @Test
    void atMost64Devices() {
        var devices = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            devices.append("{\"index\":").append(i).append("},");
        }
        devices.append("{\"index\":0}");
        assertEquals(64, ComfyUiState.of(IDLE, "{\"devices\":[" + devices + "]}").orElseThrow().devices().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "not json", "{\"system\":", "[[[[[[[["})
    void refusesSystemStatsThatAreNotAnObject(String text) {
        assertTrue(ComfyUiState.of(IDLE, text).isEmpty());
    }
}
