package io.berth.registry;

import java.util.regex.Pattern;

/** The OCI distribution spec's grammar for repository names and tags. */
public final class Names {

    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    static final int MAX_REPOSITORY_NAME = 255;

    private Names() {
    }

    public static boolean isRepositoryName(String name) {
        return name != null && name.length() <= MAX_REPOSITORY_NAME && REPOSITORY.matcher(name).matches();
    }

    public static boolean isTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    /** A 12-digit account id, a slash, and more: what a qualified name looks like. */
    static final Pattern ACCOUNT_PREFIX = Pattern.compile("([0-9]{12})/(.+)");

    /**
     * Whether a name's first component is a 12-digit account id followed by more: such a name means a repository of
     * that account ({@link RepositoryName#parse}), not one of the caller's.
     */
    public static boolean isAccountPrefixed(String name) {
        return ACCOUNT_PREFIX.matcher(name).matches();
    }

    public static String requireRepositoryName(String name) {
        if (!isRepositoryName(name)) {
            throw new RegistryException(Problem.NAME_INVALID, "invalid repository name", name);
        }
        return name;
    }
}
