package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on Payara Micro as server-config/run.sh turns it on: a PKCS#12 key made with keytool (BERTH_TLS_KEYSTORE),
 * plain HTTP sent to HTTPS before any credential is asked for (BERTH_TLS_REDIRECT), Strict-Transport-Security, skopeo
 * pushing and reading over TLS with the certificate trusted, the console's cookie marked Secure.
 */
class HttpsIT {

    private static final int PORT = 5061;
    private static final int TLS_PORT = 5461;
    private static final String HTTPS = "https://127.0.0.1:" + TLS_PORT;

    @TempDir
    static Path work;

    private static ServerProcess server;
    private static HttpClient https;
    private static Path certificates;

    @BeforeAll
    static void startWithAKeyOfItsOwn() throws Exception {
        Path keystore = work.resolve("berth.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Command.run(work, keytool, "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "tls-test-password");
        // skopeo trusts the certificates of a directory named for the registry: ca.crt there.
        certificates = Files.createDirectories(work.resolve("certs"));
        Files.writeString(certificates.resolve("ca.crt"), Command.run(work, keytool, "-exportcert", "-rfc",
                "-alias", "registry", "-keystore", keystore.toString(), "-storepass", "tls-test-password"));
        server = new ServerProcess("https", PORT, Map.of("BERTH_TLS_KEYSTORE", keystore.toString(),
                "BERTH_TLS_KEYSTORE_PASSWORD", "tls-test-password", "BERTH_TLS_PORT", String.valueOf(TLS_PORT),
                "BERTH_TLS_REDIRECT", "true", "BERTH_HSTS_SECONDS", "600")).start();
        https = HttpClient.newBuilder().sslContext(trusting(certificates.resolve("ca.crt")))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trusted.setCertificateEntry("registry", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @Test
    void plainHttpIsSentToHttpsBeforeAnyCredentialIsAskedFor() {
        HttpResponse<String> get = server.registry.get("/v2/_catalog?n=5");
        assertEquals(308, get.statusCode());
        assertEquals(HTTPS + "/v2/_catalog?n=5", get.headers().firstValue("Location").orElseThrow());
        assertTrue(get.headers().firstValue("WWW-Authenticate").isEmpty(), "no challenge over plain HTTP");
        // With credentials too: nothing is read, the client is told where to go, keeping its method.
        HttpResponse<String> put = server.registry.send("PUT", "/v2/tls/app/manifests/v1",
                RegistryHttp.bytes("{}"), "Authorization", RegistryHttp.basic("admin", RegistryHttp.ADMIN_PASSWORD));
        assertEquals(308, put.statusCode());
        assertFalse(get.headers().firstValue("Strict-Transport-Security").isPresent());
    }

    @Test
    void overHttpsTheRegistryAnswersWithStrictTransportSecurity() throws Exception {
        HttpResponse<String> ping = https.send(HttpRequest.newBuilder(URI.create(HTTPS + "/v2/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, ping.statusCode());
        assertEquals("max-age=600", ping.headers().firstValue("Strict-Transport-Security").orElseThrow());
        HttpResponse<String> catalog = https.send(HttpRequest.newBuilder(URI.create(HTTPS + "/v2/_catalog"))
                .header("Authorization", RegistryHttp.basic("admin", RegistryHttp.ADMIN_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, catalog.statusCode());
    }

    @Test
    void skopeoPushesAndReadsOverTlsWithTheCertificateTrusted() {
        Path layout = work.resolve("oci");
        OciLayout oci = new OciLayout(layout);
        oci.index("v1", oci.image("over tls " + UUID.randomUUID()));
        String credentials = "admin:" + RegistryHttp.ADMIN_PASSWORD;
        Command.run(work, "skopeo", "copy", "--dest-cert-dir", certificates.toString(), "--dest-creds", credentials,
                "oci:" + layout + ":v1", "docker://127.0.0.1:" + TLS_PORT + "/tls/app:v1");
        String inspected = Command.run(work, "skopeo", "inspect", "--raw", "--cert-dir", certificates.toString(),
                "--creds", credentials, "docker://127.0.0.1:" + TLS_PORT + "/tls/app:v1");
        assertTrue(inspected.contains("\"schemaVersion\""), inspected);
        // Without the certificate trusted, skopeo refuses the registry.
        Command.Result untrusted = Command.tryRun(work, "skopeo", "inspect", "--raw", "--creds", credentials,
                "docker://127.0.0.1:" + TLS_PORT + "/tls/app:v1");
        assertTrue(untrusted.exitCode() != 0);
    }

    @Test
    void theConsoleSessionCookieIsSecureOverHttps() throws Exception {
        HttpResponse<String> signedIn = https.send(HttpRequest.newBuilder(URI.create(HTTPS + "/console/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", HTTPS)
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + RegistryHttp.ADMIN_PASSWORD))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, signedIn.statusCode());
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
                cookie);
    }
}
