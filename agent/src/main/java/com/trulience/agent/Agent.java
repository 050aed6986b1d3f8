package com.trulience.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

public final class Agent {

    static final String USAGE = """
            Usage: java -jar trulience-agent.jar [--help] [--version]

            Pushes the vitals of this machine's NVIDIA GPUs to the Trulience backend.

              --help      print this text and exit
              --version   print the agent's version and exit
            """;

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("trulience-agent " + version());
            return;
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(USAGE);
            return;
        }
        System.err.print(USAGE);
        System.exit(2);
    }

    public static String version() {
        try (InputStream in = Agent.class.getResourceAsStream("/trulience-agent.properties")) {
            var properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
