package io.berth.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.jboss.arquillian.container.spi.event.container.BeforeDeploy;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Before Arquillian starts a test class's server, waits until the previous class's server has let go of the port.
 * The Payara Micro container stops a server without waiting for its process to end, and a server that starts while
 * the port is still taken binds the next free one, where the tests do not look.
 */
public class PortFree implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(PortFree.class);
    }

    public void waitForPort(@Observes BeforeDeploy event) throws InterruptedException {
        int port = RawHttp.port();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!free(port) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
