package com.trulience.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap of the Payara Micro that Arquillian started (a child process of the test JVM), read with the JDK's
 * jcmd after a full GC: what stays reachable, without JMX in the application.
 */
public final class ServerHeap {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private ServerHeap() {
    }

    /** Bytes in use after a full GC; empty where the process or jcmd cannot be reached. */
    public static OptionalLong usedAfterGc() throws IOException, InterruptedException {
        var payara = ProcessHandle.current().descendants()
                .filter(process -> process.info().commandLine().orElse("").contains("payara-micro"))
                .findFirst();
        var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (payara.isEmpty() || !jcmd.toFile().canExecute()) {
            return OptionalLong.empty();
        }
        String pid = String.valueOf(payara.get().pid());
        jcmd(jcmd, pid, "GC.run");
        long kib = jcmd(jcmd, pid, "GC.heap_info").lines()
                .filter(line -> line.contains("generation") || line.contains("heap"))
                .map(USED::matcher)
                .filter(Matcher::find)
                .mapToLong(used -> Long.parseLong(used.group(1)))
                .sum();
        return kib == 0 ? OptionalLong.empty() : OptionalLong.of(kib * 1024);
    }

    private static String jcmd(Path jcmd, String pid, String command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(List.of(jcmd.toString(), pid, command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }
}
