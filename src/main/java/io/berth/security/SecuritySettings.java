package io.berth.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Settings of identity and access, from MicroProfile Config (system properties, BERTH_… environment variables). */
@ApplicationScoped
public class SecuritySettings {

    @Inject
    @ConfigProperty(name = "berth.region", defaultValue = "us-east-1")
    String region;

    /** The account the first start creates, with its administrator. */
    @Inject
    @ConfigProperty(name = "berth.account.id", defaultValue = "000000000000")
    String bootstrapAccount;

    @Inject
    @ConfigProperty(name = "berth.admin.password")
    Optional<String> adminPassword;

    @Inject
    @ConfigProperty(name = "berth.token.hours", defaultValue = "12")
    int tokenHours;

    /** How long a verified credential is trusted without checking it again. */
    @Inject
    @ConfigProperty(name = "berth.credential.cache.seconds", defaultValue = "30")
    int credentialCacheSeconds;

    /** Failed sign-ins per user or per client address within the window before answers slow down. */
    @Inject
    @ConfigProperty(name = "berth.auth.failures.slow", defaultValue = "5")
    int failuresBeforeSlowing;

    /** Failed sign-ins within the window before further attempts are refused with 429. */
    @Inject
    @ConfigProperty(name = "berth.auth.failures.refuse", defaultValue = "10")
    int failuresBeforeRefusing;

    @Inject
    @ConfigProperty(name = "berth.auth.failures.window.seconds", defaultValue = "300")
    int failureWindowSeconds;

    /** One client address may stand for many users (NAT, CI runners): it gets ten times the allowance. */
    static final int ADDRESS_FACTOR = 10;

    @Inject
    @ConfigProperty(name = "berth.token.seconds")
    Optional<Long> tokenSeconds;

    /** BERTH_CONSOLE_IDLE_MINUTES: a console session ends after this long without a request. */
    @Inject
    @ConfigProperty(name = "berth.console.idle.minutes", defaultValue = "30")
    int consoleIdleMinutes;

    public Duration consoleIdleTimeout() {
        return Duration.ofMinutes(consoleIdleMinutes);
    }

    /** Whether pulls without credentials are allowed (from the bootstrap account's repositories); off by default. */
    @Inject
    @ConfigProperty(name = "berth.anonymous.pull", defaultValue = "false")
    boolean anonymousPull;

    public boolean anonymousPull() {
        return anonymousPull;
    }

    public String region() {
        return region;
    }

    public String bootstrapAccount() {
        return bootstrapAccount;
    }

    /** Whether a caller operates the whole registry (collection, the audit trail's verification and export). */
    public boolean operator(Caller caller) {
        return caller.administrator() && caller.accountId().equals(bootstrapAccount);
    }

    public Optional<String> adminPassword() {
        return adminPassword.filter(p -> !p.isBlank());
    }

    public Duration tokenLifetime() {
        return tokenSeconds.map(Duration::ofSeconds).orElse(Duration.ofHours(tokenHours));
    }

    public Duration credentialCacheTime() {
        return Duration.ofSeconds(credentialCacheSeconds);
    }

    public int failuresBeforeSlowing() {
        return failuresBeforeSlowing;
    }

    public int failuresBeforeRefusing() {
        return failuresBeforeRefusing;
    }

    public Duration failureWindow() {
        return Duration.ofSeconds(failureWindowSeconds);
    }
}
