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

    public static WebArchive withConfig(Map<String, String> config) {
        var built = ShrinkWrap.createFromZipFile(WebArchive.class,
                new File(System.getProperty("trulience.war", "target/trulience.war")));
        built.delete(CONFIG);
        built.add(new StringAsset(config.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n"))), CONFIG);
        // Named ROOT.war so that it deploys at context root "/", as in production.
        return ShrinkWrap.create(WebArchive.class, "ROOT.war").merge(built);
    }
}
