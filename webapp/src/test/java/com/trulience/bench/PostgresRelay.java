package com.trulience.bench;

import com.trulience.testing.TcpProxy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The test suite's TCP relay as a process for scripts/verify-postgres-restart: the backend reaches PostgreSQL
 * through it, and the script cuts and restores it by writing {@code cut} or {@code restore} lines to standard
 * input; each is answered on standard output once done. Ends at end of input.
 */
public final class PostgresRelay {

    public static void main(String[] args) throws Exception {
        var options = AgentLoad.options(args, "port", "target-port");
        try (var relay = new TcpProxy(Integer.parseInt(options.get("port")), Integer.parseInt(options.get("target-port")));
                var commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println("listening on 127.0.0.1:" + relay.port());
            for (String command = commands.readLine(); command != null; command = commands.readLine()) {
                switch (command.strip()) {
                    case "cut" -> {
                        relay.cut();
                        System.out.println("cut");
                    }
                    case "restore" -> {
                        relay.restore();
                        System.out.println("restored");
                    }
                    default -> System.out.println("unknown command '" + command.strip() + "': cut or restore");
                }
            }
        }
    }
}
