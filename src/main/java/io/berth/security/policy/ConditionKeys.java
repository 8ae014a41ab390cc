package io.berth.security.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The condition keys Berth sets on requests (see {@code AccessControl}), so that a policy naming any other key is
 * refused instead of silently never matching. IAM keys are case-insensitive.
 */
public final class ConditionKeys {

    private static final Set<String> KEYS = Set.of("aws:sourceip", "aws:securetransport", "aws:principalaccount",
            "aws:principalarn", "aws:principaltype", "aws:username", "aws:resourceaccount", "aws:tagkeys");
    private static final List<String> TAG_PREFIXES = List.of("aws:resourcetag/", "ecr:resourcetag/",
            "aws:requesttag/");

    static final String DESCRIPTION = "aws:SourceIp, aws:SecureTransport, aws:PrincipalAccount, aws:PrincipalArn,"
            + " aws:PrincipalType, aws:username, aws:ResourceAccount, aws:TagKeys, aws:RequestTag/<key>,"
            + " aws:ResourceTag/<key> and ecr:ResourceTag/<key>";

    private ConditionKeys() {
    }

    public static boolean isSupported(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return KEYS.contains(lower) || TAG_PREFIXES.stream().anyMatch(prefix -> lower.startsWith(prefix)
                && lower.length() > prefix.length());
    }
}
