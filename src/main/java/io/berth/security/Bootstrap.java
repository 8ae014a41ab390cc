package io.berth.security;

import io.berth.registry.RegistrySettings;
import io.berth.storage.OwnerOnly;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The first start creates the bootstrap account and its administrator {@code admin}. The password is
 * {@code BERTH_ADMIN_PASSWORD}, or a generated one written once to {@code <data>/admin-password}, readable only by
 * its owner; the log names the file, never the password.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Bootstrap {

    public static final String ADMIN = "admin";
    /** The actor of what the first start creates. */
    static final String FIRST_START = "berth";
    private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());

    @Inject
    Identities identities;

    @Inject
    SecuritySettings settings;

    @Inject
    RegistrySettings registrySettings;

    @Inject
    BootstrapAccount accounts;

    @PostConstruct
    void createAdministrator() {
        if (identities.countUsers() > 0) {
            if (settings.adminPassword().isPresent()) {
                // Said plainly, so that nobody believes a changed variable changed the password.
                LOG.info("BERTH_ADMIN_PASSWORD is ignored: it sets the administrator's password on the first start"
                        + " only; change it with `aws iam update-login-profile --user-name admin`");
            }
            return;
        }
        String accountId = settings.bootstrapAccount();
        accounts.ensure(accountId);
        String password = settings.adminPassword().orElse(null);
        if (password == null) {
            password = Identities.random("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 24);
            Path file = registrySettings.dataDir().resolve("admin-password");
            try {
                OwnerOnly.write(file, (password + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the administrator's password to " + file, e);
            }
            LOG.info(() -> "created administrator '" + ADMIN + "' of account " + accountId
                    + "; its generated password is in " + file);
        } else {
            LOG.info(() -> "created administrator '" + ADMIN + "' of account " + accountId
                    + " with the password from BERTH_ADMIN_PASSWORD");
        }
        User admin = identities.createUser(accountId, ADMIN, true, FIRST_START);
        identities.setPassword(admin, password, true, FIRST_START);
    }

    /** The generated password's file goes once the password changes: it would only mislead (and leak the old one). */
    @ApplicationScoped
    public static class GeneratedPasswordFile {

        @Inject
        SecuritySettings settings;

        @Inject
        RegistrySettings registrySettings;

        void forget(@Observes(during = TransactionPhase.AFTER_SUCCESS) Identities.PasswordChanged change) {
            if (!change.accountId().equals(settings.bootstrapAccount()) || !change.userName().equals(ADMIN)) {
                return;
            }
            Path file = registrySettings.dataDir().resolve("admin-password");
            try {
                if (Files.deleteIfExists(file)) {
                    LOG.info(() -> "the administrator's password changed: removed " + file);
                }
            } catch (IOException e) {
                LOG.warning(() -> "cannot remove " + file + ": " + e);
            }
        }
    }

    /** Creates the bootstrap account row when a setting names another id than the schema's default account. */
    @ApplicationScoped
    public static class BootstrapAccount {

        @PersistenceContext
        EntityManager em;

        @Transactional
        public void ensure(String accountId) {
            if (em.find(Account.class, accountId) == null) {
                em.persist(new Account(accountId, "bootstrap", System.currentTimeMillis()));
            }
        }
    }
}
