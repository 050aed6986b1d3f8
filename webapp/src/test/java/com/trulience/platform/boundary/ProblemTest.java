package com.trulience.platform.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class ProblemTest {

    @Test
    void namesTheStatusAndWhereItHappened() {
        var json = Problem.of(403, null, "/api/v1/admin/workers").toJson();
        assertEquals("Forbidden", json.getString("title"));
        assertEquals(403, json.getInt("status"));
        assertEquals("/api/v1/admin/workers", json.getString("instance"));
        assertEquals("about:blank", json.getString("type"));
        assertFalse(json.containsKey("detail"));
    }

    @Test
    void carriesTheDetailWhenThereIsOne() {
        assertEquals("since must be before until",
                Problem.of(400, "since must be before until", "/x").toJson().getString("detail"));
    }

    @Test
    void titlesUnusualStatusesByNumber() {
        assertEquals("HTTP 499", Problem.of(499, null, "/x").toJson().getString("title"));
    }
}
