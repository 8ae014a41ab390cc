package io.berth.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.CallerPrincipal;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The users in the database, as Jakarta Security's identity store: a user name ({@code <user>} in the bootstrap
 * account, {@code <12-digit account>/<user>} in another) and a password checked against its PBKDF2 hash. The caller's
 * unique id is the user's row id.
 */
@ApplicationScoped
public class DatabaseIdentityStore implements IdentityStore {

    /** {@code <12-digit account>/<user>} names a user of another account than the bootstrap one. */
    private static final Pattern QUALIFIED_USER = Pattern.compile("([0-9]{12})/(.+)");

    @Inject
    Identities identities;

    @Inject
    SecuritySettings settings;

    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        String name = credential.getCaller();
        Matcher qualified = QUALIFIED_USER.matcher(name);
        String account = qualified.matches() ? qualified.group(1) : settings.bootstrapAccount();
        String userName = qualified.matches() ? qualified.group(2) : name;
        Optional<User> user = identities.verifyPassword(account, userName, credential.getPasswordAsString());
        return user.map(u -> new CredentialValidationResult(new CallerPrincipal(u.accountId() + "/" + u.name()),
                        u.administrator() ? Set.of("user", "administrator") : Set.of("user")))
                .orElse(CredentialValidationResult.INVALID_RESULT);
    }

    @Override
    public Set<ValidationType> validationTypes() {
        return Set.of(ValidationType.VALIDATE);
    }
}
