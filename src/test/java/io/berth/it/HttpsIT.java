package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on Payara Micro as server-config/run.sh turns it on: a PKCS#12 key made with keytool (BERTH_TLS_KEYSTORE),
 * plain HTTP sent to HTTPS before any credential is asked for (BERTH_TLS_REDIRECT), Strict-Transport-Security, skopeo,
 * podman and the AWS CLI over TLS with the certificate trusted (and refusing it otherwise), the console's cookie marked
 * Secure.
 */
class HttpsIT {

    private static final int PORT = 5061;
    private static final int TLS_PORT = 5461;
    private static final String HTTPS = "https://127.0.0.1:" + TLS_PORT;

    @TempDir
    static Path work;

    private static ServerProcess server;
    private static HttpClient https;
    private static TlsClients clients;

    @BeforeAll
    static void startWithAKeyOfItsOwn() throws Exception {
        Path keystore = work.resolve("berth.p12");
        // skopeo trusts the certificates of a directory named for the registry: ca.crt there.
        Path certificates = work.resolve("certs");
        TlsClients.makeKeyStore(keystore, "tls-test-password", certificates);
        server = new ServerProcess("https", PORT, Map.of("BERTH_TLS_KEYSTORE", keystore.toString(),
                "BERTH_TLS_KEYSTORE_PASSWORD", "tls-test-password", "BERTH_TLS_PORT", String.valueOf(TLS_PORT),
                "BERTH_TLS_REDIRECT", "true", "BERTH_HSTS_SECONDS", "600")).start();
        clients = new TlsClients(work, TLS_PORT, certificates);
        https = HttpClient.newBuilder().sslContext(clients.sslContext())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
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
    void skopeoPodmanAndTheAwsCliWorkOverTlsWithTheCertificateTrustedAndRefuseItOtherwise() {
        clients.pushWithSkopeoAndPullWithPodman("tls/app");
        // Plain HTTP is sent to HTTPS here: the access key is made over HTTPS too.
        clients.describeWithTheAwsCli(AwsApis.createKey(https, HTTPS, "admin", RegistryHttp.ADMIN_PASSWORD),
                "tls/app");
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
