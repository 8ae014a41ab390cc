package io.berth.security.policy;

import java.util.Locale;

/** IAM's wildcard patterns: {@code *} matches any run of characters (also none), {@code ?} exactly one. */
final class Wildcards {

    private Wildcards() {
    }

    static boolean hasWildcard(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    static boolean matchesIgnoreCase(String pattern, String text) {
        return matches(pattern.toLowerCase(Locale.ROOT), text.toLowerCase(Locale.ROOT));
    }

    /** Case-sensitive match of the whole text. */
    static boolean matches(String pattern, String text) {
        // Greedy scan that remembers the last '*' and backtracks to it: linear for the patterns policies use, and no
        // regular expressions, so nothing in a pattern can be a regex metacharacter or blow up.
        int p = 0;
        int t = 0;
        int star = -1;
        int starText = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starText = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
