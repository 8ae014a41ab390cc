package io.berth.it;

import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.shrinkwrap.api.Archive;

/**
 * An Arquillian container for a server that is already running with Berth deployed: Payara Server or WildFly as
 * {@code server-config/payara-server.sh} and {@code server-config/wildfly.sh} set them up, which is what their tests
 * check. The pom's running-server profile, on when {@code berth.it.server.script} is set, chooses it and takes the
 * Payara Micro container off the class path (Arquillian takes only one kind). Deploying and undeploying do nothing,
 * so every test class talks to the same server on {@code berth.it.port}.
 */
public class RunningServer implements DeployableContainer<RunningServer.Configuration>, LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        if (System.getProperty("berth.it.server.script") != null) {
            builder.service(DeployableContainer.class, RunningServer.class);
        }
    }

    @Override
    public Class<Configuration> getConfigurationClass() {
        return Configuration.class;
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription("Servlet 5.0");
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) {
        return new ProtocolMetaData().addContext(new HTTPContext("127.0.0.1", RawHttp.port()));
    }

    @Override
    public void undeploy(Archive<?> archive) {
        // The server keeps Berth deployed for the next test class.
    }

    /** Nothing to configure: the server is wherever {@code berth.it.port} says. */
    public static class Configuration implements ContainerConfiguration {
        @Override
        public void validate() {
        }
    }
}
