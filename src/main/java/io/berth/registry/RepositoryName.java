package io.berth.registry;

/**
 * A repository's name as the domain addresses it: the account it belongs to (12 digits) and its name in that
 * account. Every account has its own namespace of repository names; the boundary decides which account a client's
 * name means, and builds this once. {@link #toString()} is the qualified form {@code <account>/<name>}
 * ({@code 000000000000/team/app}) that events, page tokens and error details carry.
 */
public record RepositoryName(String accountId, String name) {

    /** NAME_INVALID unless {@code accountId} is 12 digits and {@code name} is a repository name of the grammar. */
    public RepositoryName {
        if (!isAccountId(accountId)) {
            throw new RegistryException(Problem.NAME_INVALID, "invalid repository name", accountId + "/" + name);
        }
        Names.requireRepositoryName(name);
    }

    /** The name a qualified text ({@code <account>/<name>}) stands for; NAME_INVALID if it is none. */
    public static RepositoryName parse(String qualified) {
        var m = qualified == null ? null : Names.ACCOUNT_PREFIX.matcher(qualified);
        if (m == null || !m.matches()) {
            throw new RegistryException(Problem.NAME_INVALID, "invalid repository name", qualified);
        }
        return new RepositoryName(m.group(1), m.group(2));
    }

    /** The repository's ARN in ECR's form: {@code arn:aws:ecr:<region>:<account>:repository/<name>}. */
    public String arn(String region) {
        return "arn:aws:ecr:" + region + ":" + accountId + ":repository/" + name;
    }

    @Override
    public String toString() {
        return accountId + "/" + name;
    }

    private static boolean isAccountId(String accountId) {
        if (accountId == null || accountId.length() != 12) {
            return false;
        }
        for (int i = 0; i < accountId.length(); i++) {
            char c = accountId.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
