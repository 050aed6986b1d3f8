package com.trulience.testing;

import java.sql.DriverManager;
import java.sql.SQLException;

/** A fresh, empty PostgreSQL database per test class, on the real server the README names. */
public final class TestDatabase {

    public static final String HOST = System.getProperty("trulience.test.db.host", "127.0.0.1");
    public static final int PORT = Integer.getInteger("trulience.test.db.port", 5432);
    public static final String USER = System.getProperty("trulience.test.db.user", "postgres");
    public static final String PASSWORD = System.getProperty("trulience.test.db.password", "");

    private TestDatabase() {
    }

    /** Lets two checkouts on one machine run their suites side by side without dropping each other's databases. */
    private static final String SUFFIX = System.getenv().getOrDefault("TRULIENCE_TEST_DB_SUFFIX", "");

    /** The database a test class calls {@code name}, with this checkout's suffix. */
    public static String name(String name) {
        return name + SUFFIX;
    }

    /** Drops and re-creates database {@code name} (plus the checkout's suffix); returns its JDBC URL. */
    public static String recreate(String name) {
        name = name(name);
        if (!name.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (var connection = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
             var statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name + " on " + HOST + ":" + PORT
                    + " (is PostgreSQL running? scripts/test starts it)", e);
        }
        return url(name);
    }

    /** The first column of the first row of a query on {@code database}, as text. */
    public static String query(String database, String sql) {
        try (var connection = DriverManager.getConnection(url(name(database)), USER, PASSWORD);
             var statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static void execute(String database, String sql) {
        try (var connection = DriverManager.getConnection(url(name(database)), USER, PASSWORD);
             var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }
}
