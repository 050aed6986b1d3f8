package com.trulience.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real agent jar as a process of its own, for the ITs that need the whole agent rather than a socket client. */
public final class AgentProcess {

    private AgentProcess() {
    }

    /** The shaded jar `mvn verify` built before the webapp; without it the test is skipped, saying why. */
    public static File jar() {
        File[] jars = new File("../agent/target").listFiles((dir, name) -> name.matches("trulience-agent-.*\\.jar")
                && !name.startsWith("original-") && !name.endsWith("-tests.jar"));
        assumeTrue(jars != null && jars.length > 0,
                "agent/target/trulience-agent-*.jar is missing: build the agent first (mvn verify from the root builds it before webapp)");
        return jars[0];
    }

    /** The agent run in {@code directory} with only PATH and HOME of this environment, plus {@code environment}. */
    public static ProcessBuilder command(Path directory, Map<String, String> environment, String... args) {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-XX:+UseSerialGC", "-jar", jar().getAbsolutePath()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        builder.environment().putAll(environment);
        return builder;
    }

    /** The agent as a service, its output in {@code directory}/agent.log. */
    public static Process start(Path directory, Map<String, String> environment) throws IOException {
        return command(directory, environment).redirectErrorStream(true)
                .redirectOutput(directory.resolve("agent.log").toFile()).start();
    }
}
