package io.berth.registry;

/**
 * ECR's tag patterns (lifecycle rules' {@code tagPatternList}, tag-mutability exclusion filters): literal text where
 * {@code *} stands for any run of characters, matched against the whole tag. Matching takes at most
 * pattern length × tag length steps, never a regular expression's backtracking, so a hostile pattern costs nothing.
 */
public final class TagPatterns {

    /** ECR refuses lifecycle patterns with more wildcards than this; Berth bounds exclusion filters alike. */
    public static final int MAX_WILDCARDS = 4;

    private TagPatterns() {
    }

    public static long wildcards(String pattern) {
        return pattern.chars().filter(c -> c == '*').count();
    }

    /** Whether the whole tag matches the pattern. */
    public static boolean matches(String pattern, String tag) {
        int p = 0;
        int t = 0;
        int lastStar = -1; // position in the pattern just after the last '*' seen
        int resumeAt = 0;  // where in the tag that '*' should next try to end
        while (t < tag.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                lastStar = ++p;
                resumeAt = t;
            } else if (p < pattern.length() && pattern.charAt(p) == tag.charAt(t)) {
                p++;
                t++;
            } else if (lastStar >= 0) {
                // Let the last '*' swallow one more character and try again from there: an earlier '*' never needs
                // to be revisited, which is what keeps this linear in the tag for each pattern position.
                p = lastStar;
                t = ++resumeAt;
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
