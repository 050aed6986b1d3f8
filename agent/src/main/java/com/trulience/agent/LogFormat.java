package com.trulience.agent;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One readable line per record on standard error: services' journals keep stdout for data. */
final class LogFormat extends Formatter {

    static void install(Level level) {
        LogManager.getLogManager().reset();
        var handler = new ConsoleHandler();
        handler.setFormatter(new LogFormat());
        handler.setLevel(level);
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        root.addHandler(handler);
    }

    /**
     * Writes a line straight to {@code err} (standard error in the service), for shutdown hooks: the JDK's own hook
     * resets logging at the same time, after which logged records go nowhere.
     */
    static void atShutdown(PrintStream err, Logger logger, String message) {
        var record = new LogRecord(Level.INFO, message);
        record.setLoggerName(logger.getName());
        err.print(new LogFormat().format(record));
        err.flush();
    }

    @Override
    public String format(LogRecord record) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        var line = new StringBuilder(128)
                .append(Instant.ofEpochMilli(record.getMillis()))
                .append(' ').append(record.getLevel().getName())
                .append(' ').append(logger.substring(logger.lastIndexOf('.') + 1))
                .append(": ").append(formatMessage(record))
                .append(System.lineSeparator());
        if (record.getThrown() != null) {
            var trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
