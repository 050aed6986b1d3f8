package com.trulience.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Await;
import com.trulience.testing.Deployed;
import com.trulience.testing.Frames;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One token, bounded sockets, and revocation that is final (issue 16 items 2 and 6), with real sockets against the
 * deployed WAR: a worker's newest socket replaces its older ones, its frame budget is shared by all of them, a token
 * revoked is refused to an agent that reconnects at once, and a socket whose token or newest connection changed
 * behind this node's back (another node's signal missed) is closed by the sweep.
 */
@ExtendWith(ArquillianExtension.class)
class OneTokenIT extends Deployed {

    private static final String DATABASE = "trulience_it_one_token";
    private static final String ADMIN_PASSWORD = "one-token-admin-password";
    private static final String REPLACED = "replaced by a newer connection of this worker";
    private static final AtomicInteger WORKERS = new AtomicInteger();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of());
    }

    @Test
    void aNewSocketOfTheSameTokenReplacesTheOldOneWith1008() throws Exception {
        var worker = register();
        var sockets = new ArrayList<AgentClient>();
        try {
            for (int i = 0; i < 20; i++) {
                // each one is a working agent (its batch acked) before the next one opens
                var agent = AgentClient.connect(base, worker.token());
                sockets.add(agent);
                agent.send(Frames.metrics(worker.id(), 100 + i, Instant.now().minusSeconds(30 + i), Frames.BUSY.utilization(10), Frames.IDLE));
                assertEquals("{\"type\":\"ack\",\"seq\":" + (100 + i) + "}", agent.next());
            }
            var newest = sockets.get(sockets.size() - 1);
            for (var old : sockets.subList(0, sockets.size() - 1)) {
                assertEquals(1008, old.closedWith());
                assertEquals(REPLACED, old.closeReason());
            }
            newest.send(Frames.hello(worker.id(), 5, 2, "comfyui", "comfyui@2"));
            newest.send(Frames.metrics(worker.id(), 1, Instant.now().minusSeconds(5), Frames.BUSY.utilization(10), Frames.IDLE));
            assertEquals("{\"type\":\"ack\",\"seq\":1}", newest.next());
            assertTrue(newest.isOpen());
            assertEquals("online", status(worker.id()));
        } finally {
            sockets.forEach(AgentClient::close);
        }
    }

    @Test
    void theFrameBudgetBelongsToTheWorkerNotToTheSocket() throws Exception {
        var worker = register();
        try (var first = AgentClient.connect(base, worker.token())) {
            // 190 frames answered with an error each: 190 of the bucket's 200 are spent
            for (int i = 0; i < 190; i++) {
                first.send("not json " + i);
            }
            for (int i = 0; i < 190; i++) {
                first.next();
            }
        }
        try (var second = AgentClient.connect(base, worker.token())) {
            // a fresh socket got a fresh bucket of 200 before (200 frames fit); now it shares the worker's, with
            // 10 left plus 20 a second since
            for (int i = 0; i < 200 && second.isOpen(); i++) {
                try {
                    second.send("not json " + i);
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            assertEquals(1008, second.closedWith());
            assertTrue(second.closeReason().contains("frames a second"), second.closeReason());
        }
    }

    @Test
    void aRevokedTokenIsRefusedToAnAgentThatReconnectsTheMomentItIsClosed() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(Frames.hello(worker.id(), 5, 2, "comfyui", "comfyui@2"));
            var revoke = new Thread(() -> {
                try {
                    Api.as(base, "admin", ADMIN_PASSWORD).delete("api/v1/admin/workers/" + worker.id() + "/token");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            revoke.start();
            assertEquals(1008, agent.closedWith());
            assertEquals(401, AgentClient.refusedStatus(base, worker.token(), null), "the old token still let an agent in");
            revoke.join();
        }
    }

    @Test
    void aSocketWhoseTokenChangedBehindThisNodesBackIsClosedByTheSweep() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(Frames.hello(worker.id(), 5, 2, "comfyui", "comfyui@2"));
            // what another node's rotation does to the row; its signal never reached this node
            TestDatabase.execute(DATABASE, "UPDATE workers SET token_hash = repeat('0', 64) WHERE id = " + worker.id());
            assertEquals(1008, agent.closedWithin(20));
            assertEquals("the token was revoked or rotated", agent.closeReason());
        }
    }

    @Test
    void aSocketThatIsNoLongerItsWorkersNewestIsClosedByTheSweep() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(Frames.hello(worker.id(), 5, 2, "comfyui", "comfyui@2"));
            // The hello is handled after the socket's open, which records it as the newest connection: wait for the
            // hello, or that record may land after the UPDATE below (then nothing is superseded and silence closes it).
            Await.until("the hello stored", Duration.ofSeconds(30), () -> "online".equals(status(worker.id())));
            // the agent reconnected to another node, which recorded its socket there; this one is half-open
            TestDatabase.execute(DATABASE, "UPDATE workers SET connection = 'another-node/1' WHERE id = " + worker.id());
            assertEquals(1008, agent.closedWithin(20));
            assertEquals(REPLACED, agent.closeReason());
            assertFalse(agent.isOpen());
            assertEquals("online", status(worker.id()), "the worker is online through its other socket");
        }
    }

    private Api.RegisteredWorker register() throws Exception {
        return Api.as(base, "admin", ADMIN_PASSWORD).registerWorker("one-token-" + WORKERS.incrementAndGet());
    }

    private static String status(long workerId) {
        return "t".equals(TestDatabase.query(DATABASE, "SELECT online FROM workers WHERE id = " + workerId)) ? "online" : "offline";
    }
}
