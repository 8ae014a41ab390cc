package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The real clients over TLS, each trusting the registry's self-signed certificate its own way: skopeo and podman a
 * directory named with {@code --cert-dir} that holds {@code ca.crt}, the AWS CLI a PEM file named with
 * {@code --ca-bundle}. Each is also shown refusing the registry when the certificate is not trusted.
 */
final class TlsClients {

    private final Path work;
    private final String host;
    private final Path certificates;

    /** Clients of the registry at {@code 127.0.0.1:tlsPort}, whose certificate is {@code certificates/ca.crt}. */
    TlsClients(Path work, int tlsPort, Path certificates) {
        this.work = work;
        this.host = "127.0.0.1:" + tlsPort;
        this.certificates = certificates;
    }

    /** A key pair for 127.0.0.1 in a new PKCS#12 store, as the README shows, and its certificate as {@code ca.crt}. */
    static void makeKeyStore(Path keystore, String password, Path certificates) {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path dir = keystore.toAbsolutePath().getParent();
        Command.run(dir, keytool, "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password);
        try {
            Files.createDirectories(certificates);
            Files.writeString(certificates.resolve("ca.crt"), Command.run(dir, keytool, "-exportcert", "-rfc",
                    "-alias", "registry", "-keystore", keystore.toString(), "-storepass", password));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An SSL context that trusts the registry's certificate, for Java's HTTP client. */
    SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(certificates.resolve("ca.crt"))) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("registry", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** skopeo pushes an image to {@code repository:v1} and reads it back; podman pulls it. */
    void pushWithSkopeoAndPullWithPodman(String repository) {
        Path layout = work.resolve("oci-" + UUID.randomUUID());
        OciLayout oci = new OciLayout(layout);
        oci.index("v1", oci.image("over tls " + UUID.randomUUID()));
        String credentials = "admin:" + RegistryHttp.ADMIN_PASSWORD;
        String image = host + "/" + repository + ":v1";
        Command.run(work, "skopeo", "copy", "--dest-cert-dir", certificates.toString(), "--dest-creds", credentials,
                "oci:" + layout + ":v1", "docker://" + image);
        String inspected = Command.run(work, "skopeo", "inspect", "--raw", "--cert-dir", certificates.toString(),
                "--creds", credentials, "docker://" + image);
        assertTrue(inspected.contains("\"schemaVersion\""), inspected);
        Command.Result untrusted = Command.tryRun(work, "skopeo", "inspect", "--raw", "--creds", credentials,
                "docker://" + image);
        assertNotEquals(0, untrusted.exitCode(), "skopeo refuses a registry whose certificate it does not trust");

        Command.run(work, podman("pull", "--cert-dir", certificates.toString(), "--creds", credentials, image));
        Command.Result podmanUntrusted = Command.tryRun(work, podman("pull", "--creds", credentials, image));
        assertNotEquals(0, podmanUntrusted.exitCode(), podmanUntrusted.output());
    }

    /** {@code aws ecr describe-repositories --endpoint-url https://… --ca-bundle ca.crt} finds the repository. */
    void describeWithTheAwsCli(AwsApis.Key key, String repository) {
        Command.ENVIRONMENT.putAll(AwsApis.cliEnvironment(key));
        try {
            String described = Command.run(work, "/usr/bin/aws", "--endpoint-url", "https://" + host, "--ca-bundle",
                    certificates.resolve("ca.crt").toString(), "ecr", "describe-repositories", "--repository-names",
                    repository, "--query", "repositories[].repositoryName", "--output", "text");
            assertEquals(repository, described.trim());
            Command.Result untrusted = Command.tryRun(work, "/usr/bin/aws", "--endpoint-url", "https://" + host, "ecr",
                    "describe-repositories");
            assertNotEquals(0, untrusted.exitCode());
            assertTrue(untrusted.output().contains("SSL"), untrusted.output());
        } finally {
            AwsApis.cliEnvironment(key).keySet().forEach(Command.ENVIRONMENT::remove);
        }
    }

    private String[] podman(String... args) {
        List<String> command = new ArrayList<>(List.of("podman", "--root", work + "/podman-root", "--runroot",
                work + "/podman-run", "--storage-driver", "vfs"));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }
}
