package io.berth.security;

import io.berth.events.Outbox;
import io.berth.platform.CacheScopes;
import io.berth.security.InlinePolicy.OwnerKind;
import io.berth.security.policy.Policy;
import io.berth.security.policy.PolicyException;
import io.berth.security.policy.PolicyKind;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Accounts, users, groups, access keys and inline policies: what the IAM API manages and authentication reads.
 * Every change writes its {@link IdentityEvent} to the outbox in its transaction, and fires {@link IdentitiesChanged}
 * so that cached credentials are checked again. {@code actor} is who made the change (a principal's name).
 */
@ApplicationScoped
public class Identities {

    public static final int MAX_ACCESS_KEYS = 2;
    private static final List<String> RESERVED_USER_NAMES = List.of(LoginTokens.TOKEN_USER, "anonymous");
    /** IAM's quotas on the inline policies of one user and of one group, in characters without whitespace. */
    static final int MAX_USER_POLICY_SIZE = 2_048;
    static final int MAX_GROUP_POLICY_SIZE = 5_120;
    static final int MIN_PASSWORD_LENGTH = 8;

    private static final Pattern USER_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern GROUP_OR_POLICY_NAME = Pattern.compile("[\\w+=,.@-]{1,128}");
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A change to identities or policies, observed by caches of verified credentials. */
    /** A user's password was changed or removed (IAM's UpdateLoginProfile or DeleteLoginProfile). */
    public record PasswordChanged(String accountId, String userName) {
    }

    public record IdentitiesChanged() {
    }

    /** An access key as created: the only time its secret is shown. */
    public record NewAccessKey(AccessKey key, String userName, String secret) {
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    Pbkdf2PasswordHash passwordHash;

    @Inject
    SecretBox secrets;

    @Inject
    SecuritySettings settings;

    @Inject
    Outbox outbox;

    @Inject
    Event<IdentitiesChanged> changed;

    @Inject
    Event<PasswordChanged> passwordChanged;

    @Inject
    CacheScopes scopes;

    /** A hash of a random password, verified against when a user is unknown. */
    private String decoyHash;

    @PostConstruct
    void configureHash() {
        // Deliberately slow (OWASP's figure for PBKDF2-HMAC-SHA256); verified credentials are cached briefly.
        passwordHash.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256",
                "Pbkdf2PasswordHash.Iterations", "600000",
                "Pbkdf2PasswordHash.SaltSizeBytes", "32",
                "Pbkdf2PasswordHash.KeySizeBytes", "32"));
    }

    // --- accounts -----------------------------------------------------------------------------------------------

    public String bootstrapAccountId() {
        return settings.bootstrapAccount();
    }

    public Optional<Account> account(String accountId) {
        return Optional.ofNullable(em.find(Account.class, accountId));
    }

    /** Creates an account with its administrator (a Berth extension: IAM itself has no such call). */
    @Transactional
    public User createAccount(String accountId, String name, String adminName, String adminPassword,
                              String actor) {
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IdentityException(IdentityProblem.VALIDATION_ERROR, "AccountId must be 12 digits");
        }
        if (account(accountId).isPresent()) {
            throw new IdentityException(IdentityProblem.ENTITY_ALREADY_EXISTS,
                    "Account " + accountId + " already exists.");
        }
        Account account = new Account(accountId, name == null ? accountId : name, System.currentTimeMillis());
        em.persist(account);
        outbox.append(new IdentityEvent.AccountCreated(accountId, account.name(), actor, System.currentTimeMillis()));
        User admin = createUser(accountId, adminName, true, actor);
        setPassword(admin, adminPassword, true, actor);
        return admin;
    }

    // --- users --------------------------------------------------------------------------------------------------

    public Optional<User> findUser(String accountId, String name) {
        return em.createQuery("SELECT u FROM User u WHERE u.accountId = :account AND u.name = :name", User.class)
                .setParameter("account", accountId).setParameter("name", name)
                .getResultStream().findFirst();
    }

    public User requireUser(String accountId, String name) {
        return findUser(accountId, name).orElseThrow(() -> new IdentityException(IdentityProblem.NO_SUCH_ENTITY,
                "The user with name " + name + " cannot be found."));
    }

    public Optional<User> user(long id) {
        return Optional.ofNullable(em.find(User.class, id));
    }

    public long countUsers() {
        return em.createQuery("SELECT COUNT(u) FROM User u", Long.class).getSingleResult();
    }

    public List<User> users(String accountId) {
        return em.createQuery("SELECT u FROM User u WHERE u.accountId = :account ORDER BY u.name", User.class)
                .setParameter("account", accountId).getResultList();
    }

    @Transactional
    public User createUser(String accountId, String name, boolean administrator, String actor) {
        requireName(USER_NAME, "userName", name);
        if (RESERVED_USER_NAMES.stream().anyMatch(name::equalsIgnoreCase)) {
            // "AWS" signs in with login tokens, "anonymous" is the caller of anonymous pulls: a user of either name
            // would share their identity in policies and throttling.
            throw new IdentityException(IdentityProblem.VALIDATION_ERROR, "The user name " + name
                    + " is reserved by Berth.");
        }
        if (findUser(accountId, name).isPresent()) {
            throw new IdentityException(IdentityProblem.ENTITY_ALREADY_EXISTS,
                    "User with name " + name + " already exists.");
        }
        User user = new User(accountId, name, "AIDA" + random(UPPER_ALNUM, 17), administrator,
                System.currentTimeMillis());
        em.persist(user);
        em.flush();
        outbox.append(new IdentityEvent.UserCreated(accountId, name, user.externalId(), administrator, actor,
                user.createdAt()));
        identitiesChanged();
        return user;
    }

    /** Deletes a user with its keys, tokens, group memberships and inline policies. */
    @Transactional
    public void deleteUser(String accountId, String name, String actor) {
        User user = requireUser(accountId, name);
        // As IAM: what a user holds is removed first, each on purpose, never as a side effect of deleting the user.
        if (user.passwordHash() != null) {
            throw deleteConflict("delete login profile");
        }
        if (!accessKeys(user).isEmpty()) {
            throw deleteConflict("delete access keys");
        }
        if (em.createQuery("SELECT COUNT(p) FROM InlinePolicy p WHERE p.ownerKind = 'USER' AND p.ownerId = :id",
                Long.class).setParameter("id", user.id()).getSingleResult() > 0) {
            throw deleteConflict("delete policies");
        }
        if (em.createQuery("SELECT COUNT(g) FROM Group g WHERE :user MEMBER OF g.members", Long.class)
                .setParameter("user", user).getSingleResult() > 0) {
            throw deleteConflict("remove users from group");
        }
        em.createQuery("DELETE FROM LoginToken t WHERE t.userId = :id").setParameter("id", user.id()).executeUpdate();
        em.remove(user);
        outbox.append(new IdentityEvent.UserDeleted(accountId, name, actor, System.currentTimeMillis()));
        identitiesChanged();
    }

    private static IdentityException deleteConflict(String first) {
        return new IdentityException(IdentityProblem.DELETE_CONFLICT, "Cannot delete entity, must " + first
                + " first.");
    }

    /** Removes a user's password (IAM's DeleteLoginProfile), and with it every login token of the user. */
    @Transactional
    public void deletePassword(String accountId, String name, String actor) {
        User user = requireUser(accountId, name);
        if (user.passwordHash() == null) {
            throw new IdentityException(IdentityProblem.NO_SUCH_ENTITY,
                    "Login Profile for User " + name + " cannot be found.");
        }
        user.passwordHash(null);
        em.createQuery("DELETE FROM LoginToken t WHERE t.userId = :id").setParameter("id", user.id()).executeUpdate();
        outbox.append(new IdentityEvent.PasswordDeleted(accountId, name, actor, System.currentTimeMillis()));
        identitiesChanged();
        passwordChanged.fire(new PasswordChanged(user.accountId(), user.name()));
    }

    /** Sets a user's password (IAM's login profile); {@code create} refuses to replace one, update needs one. */
    @Transactional
    public void setPassword(User detached, String password, boolean create, String actor) {
        User user = em.find(User.class, detached.id());
        if (create && user.passwordHash() != null) {
            throw new IdentityException(IdentityProblem.ENTITY_ALREADY_EXISTS,
                    "Login Profile for user " + user.name() + " already exists.");
        }
        if (!create && user.passwordHash() == null) {
            throw new IdentityException(IdentityProblem.NO_SUCH_ENTITY,
                    "Login Profile for User " + user.name() + " cannot be found.");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IdentityException(IdentityProblem.PASSWORD_POLICY_VIOLATION,
                    "Password should have a minimum length of " + MIN_PASSWORD_LENGTH);
        }
        user.passwordHash(passwordHash.generate(password.toCharArray()));
        // A new password (often: the old one leaked) ends every login token of the user.
        em.createQuery("DELETE FROM LoginToken t WHERE t.userId = :id").setParameter("id", user.id()).executeUpdate();
        outbox.append(new IdentityEvent.PasswordSet(user.accountId(), user.name(), create, actor,
                System.currentTimeMillis()));
        identitiesChanged();
        if (!create) {
            passwordChanged.fire(new PasswordChanged(user.accountId(), user.name()));
        }
    }

    /** The enabled user with this name and password, if any (slow on purpose: see {@link #configureHash()}). */
    public Optional<User> verifyPassword(String accountId, String name, String password) {
        Optional<User> user = findUser(accountId, name).filter(User::enabled).filter(u -> u.passwordHash() != null);
        // An unknown user costs the same hash as a known one, so that timing does not tell which names exist.
        boolean matches = passwordHash.verify(password.toCharArray(),
                user.map(User::passwordHash).orElseGet(this::decoyHash));
        return matches ? user : Optional.empty();
    }

    private synchronized String decoyHash() {
        if (decoyHash == null) {
            decoyHash = passwordHash.generate(random(SECRET_CHARS, 24).toCharArray());
        }
        return decoyHash;
    }

    // --- access keys --------------------------------------------------------------------------------------------

    @Transactional
    public NewAccessKey createAccessKey(String accountId, String userName, String actor) {
        User user = requireUser(accountId, userName);
        if (accessKeys(user).size() >= MAX_ACCESS_KEYS) {
            throw new IdentityException(IdentityProblem.LIMIT_EXCEEDED,
                    "Cannot exceed quota for AccessKeysPerUser: " + MAX_ACCESS_KEYS);
        }
        String secret = random(SECRET_CHARS, 40);
        AccessKey key = new AccessKey("AKIA" + random(UPPER_ALNUM, 16), user.id(), secrets.encrypt(secret),
                System.currentTimeMillis());
        em.persist(key);
        outbox.append(new IdentityEvent.AccessKeyCreated(accountId, user.name(), key.id(), actor, key.createdAt()));
        return new NewAccessKey(key, user.name(), secret);
    }

    public List<AccessKey> accessKeys(User user) {
        return em.createQuery("SELECT k FROM AccessKey k WHERE k.userId = :id ORDER BY k.createdAt", AccessKey.class)
                .setParameter("id", user.id()).getResultList();
    }

    public Optional<AccessKey> accessKey(String id) {
        return Optional.ofNullable(em.find(AccessKey.class, id));
    }

    /** An active access key of an enabled user, with its secret in clear: what SigV4 verification needs. */
    public record ActiveKey(User user, String secret) {
    }

    public Optional<ActiveKey> activeKey(String accessKeyId) {
        return accessKey(accessKeyId)
                .filter(AccessKey::active)
                .flatMap(k -> user(k.userId()).filter(User::enabled)
                        .map(u -> new ActiveKey(u, secrets.decrypt(k.secretEncrypted()))));
    }

    @Transactional
    public void setAccessKeyActive(String accountId, String userName, String accessKeyId, boolean active,
                                   String actor) {
        requireKey(accountId, userName, accessKeyId).active(active);
        if (!active) {
            // Tokens obtained through a deactivated key stay dead when the key comes back.
            em.createQuery("DELETE FROM LoginToken t WHERE t.accessKeyId = :key").setParameter("key", accessKeyId)
                    .executeUpdate();
        }
        outbox.append(new IdentityEvent.AccessKeyStatusChanged(accountId, userName, accessKeyId, active, actor,
                System.currentTimeMillis()));
        identitiesChanged();
    }

    @Transactional
    public void deleteAccessKey(String accountId, String userName, String accessKeyId, String actor) {
        AccessKey key = requireKey(accountId, userName, accessKeyId);
        em.createQuery("DELETE FROM LoginToken t WHERE t.accessKeyId = :key").setParameter("key", key.id())
                .executeUpdate();
        em.remove(key);
        outbox.append(new IdentityEvent.AccessKeyDeleted(accountId, userName, accessKeyId, actor,
                System.currentTimeMillis()));
        identitiesChanged();
    }

    private AccessKey requireKey(String accountId, String userName, String accessKeyId) {
        User user = requireUser(accountId, userName);
        return accessKey(accessKeyId).filter(k -> k.userId() == user.id())
                .orElseThrow(() -> new IdentityException(IdentityProblem.NO_SUCH_ENTITY,
                        "The Access Key with id " + accessKeyId + " cannot be found."));
    }

    // --- groups -------------------------------------------------------------------------------------------------

    public Optional<Group> findGroup(String accountId, String name) {
        return em.createQuery("SELECT g FROM Group g WHERE g.accountId = :account AND g.name = :name", Group.class)
                .setParameter("account", accountId).setParameter("name", name)
                .getResultStream().findFirst();
    }

    public Group requireGroup(String accountId, String name) {
        return findGroup(accountId, name).orElseThrow(() -> new IdentityException(IdentityProblem.NO_SUCH_ENTITY,
                "The group with name " + name + " cannot be found."));
    }

    public List<Group> groups(String accountId) {
        return em.createQuery("SELECT g FROM Group g WHERE g.accountId = :account ORDER BY g.name", Group.class)
                .setParameter("account", accountId).getResultList();
    }

    /** The members of a group, by name. */
    public List<User> members(Group group) {
        return em.createQuery("SELECT u FROM Group g JOIN g.members u WHERE g.id = :id ORDER BY u.name", User.class)
                .setParameter("id", group.id()).getResultList();
    }

    /** The groups a user is a member of, by name. */
    public List<Group> groupsOf(User user) {
        return em.createQuery("SELECT g FROM Group g WHERE :user MEMBER OF g.members ORDER BY g.name", Group.class)
                .setParameter("user", user).getResultList();
    }

    @Transactional
    public Group createGroup(String accountId, String name, String actor) {
        requireName(GROUP_OR_POLICY_NAME, "groupName", name);
        if (findGroup(accountId, name).isPresent()) {
            throw new IdentityException(IdentityProblem.ENTITY_ALREADY_EXISTS,
                    "Group with name " + name + " already exists.");
        }
        Group group = new Group(accountId, name, "AGPA" + random(UPPER_ALNUM, 17), System.currentTimeMillis());
        em.persist(group);
        outbox.append(new IdentityEvent.GroupCreated(accountId, name, group.externalId(), actor,
                System.currentTimeMillis()));
        return group;
    }

    @Transactional
    public void setMembership(String accountId, String groupName, String userName, boolean member,
                              String actor) {
        Group group = requireGroup(accountId, groupName);
        User user = requireUser(accountId, userName);
        if (member) {
            group.members().add(user);
        } else {
            group.members().remove(user);
        }
        outbox.append(new IdentityEvent.GroupMembershipChanged(accountId, groupName, userName, member, actor,
                System.currentTimeMillis()));
        identitiesChanged();
    }

    // --- inline policies ----------------------------------------------------------------------------------------

    @Transactional
    public void putPolicy(OwnerKind kind, String accountId, String ownerName, String policyName, String document,
                          String actor) {
        requireName(GROUP_OR_POLICY_NAME, "policyName", policyName);
        try {
            Policy.validate(document, PolicyKind.IDENTITY);
        } catch (PolicyException e) {
            throw new IdentityException(IdentityProblem.MALFORMED_POLICY_DOCUMENT, e.getMessage());
        }
        long ownerId = ownerId(kind, accountId, ownerName);
        // IAM's quota: all inline policies of a user (or group) together, without whitespace.
        int limit = kind == OwnerKind.USER ? MAX_USER_POLICY_SIZE : MAX_GROUP_POLICY_SIZE;
        long size = nonWhitespace(document) + em.createQuery("SELECT p.document FROM InlinePolicy p WHERE"
                        + " p.ownerKind = :kind AND p.ownerId = :owner AND p.name <> :name", String.class)
                .setParameter("kind", kind.name()).setParameter("owner", ownerId).setParameter("name", policyName)
                .getResultStream().mapToLong(Identities::nonWhitespace).sum();
        if (size > limit) {
            throw new IdentityException(IdentityProblem.LIMIT_EXCEEDED, "Maximum policy size of " + limit
                    + " bytes exceeded for " + kind.name().toLowerCase() + " " + ownerName);
        }
        InlinePolicy existing = em.find(InlinePolicy.class, key(kind, ownerId, policyName));
        if (existing != null) {
            existing.document(document);
        } else {
            em.persist(new InlinePolicy(kind, ownerId, policyName, document));
        }
        outbox.append(new IdentityEvent.PolicyPut(accountId, kind, ownerName, policyName, document, actor,
                System.currentTimeMillis()));
        identitiesChanged();
    }

    private static long nonWhitespace(String document) {
        return document.chars().filter(c -> !Character.isWhitespace(c)).count();
    }

    public InlinePolicy requirePolicy(OwnerKind kind, String accountId, String ownerName, String policyName) {
        InlinePolicy policy = em.find(InlinePolicy.class, key(kind, ownerId(kind, accountId, ownerName), policyName));
        if (policy == null) {
            throw new IdentityException(IdentityProblem.NO_SUCH_ENTITY, "The " + kind.name().toLowerCase()
                    + " policy with name " + policyName + " cannot be found.");
        }
        return policy;
    }

    @Transactional
    public void deletePolicy(OwnerKind kind, String accountId, String ownerName, String policyName, String actor) {
        em.remove(requirePolicy(kind, accountId, ownerName, policyName));
        outbox.append(new IdentityEvent.PolicyDeleted(accountId, kind, ownerName, policyName, actor,
                System.currentTimeMillis()));
        identitiesChanged();
    }

    /** The inline policies of one user or group, by name. */
    public List<InlinePolicy> policies(OwnerKind kind, long ownerId) {
        return em.createQuery("SELECT p FROM InlinePolicy p WHERE p.ownerKind = :kind AND p.ownerId = :owner"
                        + " ORDER BY p.name", InlinePolicy.class)
                .setParameter("kind", kind.name()).setParameter("owner", ownerId).getResultList();
    }

    /** The identity policies that apply to a user: its own and those of its groups. */
    public List<Policy> effectivePolicies(User user) {
        List<String> documents = new ArrayList<>(em.createQuery("SELECT p.document FROM InlinePolicy p"
                        + " WHERE p.ownerKind = 'USER' AND p.ownerId = :id", String.class)
                .setParameter("id", user.id()).getResultList());
        documents.addAll(em.createQuery("SELECT p.document FROM InlinePolicy p, Group g"
                        + " WHERE p.ownerKind = 'GROUP' AND p.ownerId = g.id AND :user MEMBER OF g.members",
                        String.class)
                .setParameter("user", user).getResultList());
        return documents.stream().map(d -> Policy.parse(d, PolicyKind.IDENTITY)).toList();
    }

    private long ownerId(OwnerKind kind, String accountId, String ownerName) {
        return kind == OwnerKind.USER ? requireUser(accountId, ownerName).id()
                : requireGroup(accountId, ownerName).id();
    }

    private static InlinePolicy.Key key(OwnerKind kind, long ownerId, String name) {
        InlinePolicy.Key key = new InlinePolicy.Key();
        key.ownerKind = kind.name();
        key.ownerId = ownerId;
        key.name = name;
        return key;
    }

    private static void requireName(Pattern pattern, String member, String value) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IdentityException(IdentityProblem.VALIDATION_ERROR, "1 validation error detected: Value at '"
                    + member + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + pattern.pattern());
        }
    }

    static String random(String alphabet, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** Drops what this instance cached of identities now, and what the others cached within a second. */
    private void identitiesChanged() {
        changed.fire(new IdentitiesChanged());
        scopes.changed(CacheScopes.IDENTITIES);
    }
}
