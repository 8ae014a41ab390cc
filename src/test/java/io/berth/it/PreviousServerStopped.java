package io.berth.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.arquillian.container.spi.event.container.BeforeDeploy;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Before Arquillian starts a test class's server, waits until the previous class's server process has ended and
 * its port is free. The Payara Micro container stops a server without waiting for its process to end: a server that
 * starts while the old one still holds the embedded database fails to deploy ("database may be already in use"),
 * and one that starts while the port is still taken binds the next free one, where the tests do not look.
 */
public class PreviousServerStopped implements LoadableExtension {

    private static final long WAIT_MILLIS = 60_000;

    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(PreviousServerStopped.class);
    }

    public void waitForPreviousServer(@Observes BeforeDeploy event) throws InterruptedException {
        if (event.getDeployableContainer() instanceof RunningServer) {
            return;
        }
        // The data directory arquillian.xml gives every test class's server, as it appears on its command line.
        String dataDirectory = "-Dberth.data.dir=" + System.getProperty("berth.it.dir") + "/arquillian-data";
        List<ProcessHandle> previous = ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().filter(line -> line.contains(dataDirectory))
                        .isPresent())
                .toList();
        for (ProcessHandle server : previous) {
            try {
                server.onExit().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException stuck) {
                server.destroyForcibly();
            }
        }
        int port = RawHttp.port();
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
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
