package com.trulience.testing;

import java.net.MalformedURLException;
import java.net.URL;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.event.container.AfterDeploy;
import org.jboss.arquillian.container.spi.event.container.BeforeUnDeploy;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * The URL of the WAR that Arquillian deployed last, recorded when it is deployed. Arquillian 1.10 injects
 * {@code @ArquillianResource URL} only into a test class's own instance, not into the enclosing instance of a
 * {@code @Nested} class (arquillian-core#773); recorded here, the nested page tests of {@code DashboardIT} share one
 * deployment. Failsafe runs one test class at a time, so there is one deployment at a time.
 */
public final class DeploymentUrl implements LoadableExtension {

    private static volatile URL current;

    @Inject
    private Instance<ProtocolMetaData> metaData;

    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(DeploymentUrl.class);
    }

    public void record(@Observes AfterDeploy deployed) throws MalformedURLException {
        var http = metaData.get().getContexts(HTTPContext.class).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("the deployment has no HTTP context: " + metaData.get()));
        current = http.getServlets().isEmpty()
                ? new URL(http.getScheme(), http.getHost(), http.getPort(), "/")
                : http.getServlets().get(0).getBaseURI().toURL();
    }

    public void forget(@Observes BeforeUnDeploy undeploying) {
        current = null;
    }

    /** The deployment's URL as Arquillian reports it (at the machine's network address). */
    public static URL current() {
        if (current == null) {
            throw new IllegalStateException("no deployment yet: the class needs @ExtendWith(ArquillianExtension.class) and a @Deployment");
        }
        return current;
    }
}
