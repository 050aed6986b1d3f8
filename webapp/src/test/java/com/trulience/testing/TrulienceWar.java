package com.trulience.testing;

import java.io.File;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that `mvn package` built, with its configuration pointed at a test's own database. */
public final class TrulienceWar {

    private static final String CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";
    private static final String PAYARA_DESCRIPTOR = "WEB-INF/glassfish-web.xml";
    private static final String PERSISTENCE = "WEB-INF/classes/META-INF/persistence.xml";

    private TrulienceWar() {
    }

    /** The WAR on a fresh database of its own, with the given admin password and any further settings. */
    public static WebArchive onFreshDatabase(String database, String adminPassword, Map<String, String> settings) {
        var config = new java.util.HashMap<>(settings);
        config.put("trulience.db.url", TestDatabase.recreate(database));
        config.put("trulience.db.user", TestDatabase.USER);
        config.put("trulience.admin.password", adminPassword);
        return withConfig(config);
    }

    private static void rebind(WebArchive archive, String path, String element) {
        String text;
        try (var in = archive.get(path).getAsset().openStream()) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (!text.contains(element)) {
            throw new IllegalStateException(path + " no longer has " + element + ": update TrulienceWar");
        }
        archive.delete(path);
        archive.add(new StringAsset(text.replace(element, element.replace("jdbc/trulience", EmbeddedPool.NAME))), path);
    }

    /** The WAR with exactly these settings (trulience.db.* name the test's own pool's database). */
    public static WebArchive withConfig(Map<String, String> config) {
        var built = ShrinkWrap.createFromZipFile(WebArchive.class,
                new File(System.getProperty("trulience.war", "target/trulience.war")));
        built.delete(CONFIG);
        built.add(new StringAsset(config.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n"))), CONFIG);
        // The resource reference and JPA go to the test's own pool instead of the server's jdbc/trulience.
        rebind(built, PAYARA_DESCRIPTOR, "<jndi-name>jdbc/trulience</jndi-name>");
        rebind(built, PERSISTENCE, "<jta-data-source>jdbc/trulience</jta-data-source>");
        built.addClass(EmbeddedPool.class);
        // Named ROOT.war so that it deploys at context root "/", as in production.
        return ShrinkWrap.create(WebArchive.class, "ROOT.war").merge(built);
    }
}
