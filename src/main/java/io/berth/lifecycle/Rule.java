package io.berth.lifecycle;

import java.util.List;

/**
 * One validated rule of a lifecycle policy. The action is always {@code expire} and the count unit always
 * {@code days}, so neither is kept. {@code tagPrefixList} and {@code tagPatternList} are empty unless the rule
 * selects tagged images, and then exactly one of them is not.
 */
public record Rule(int rulePriority, String description, TagStatus tagStatus, List<String> tagPrefixList,
        List<String> tagPatternList, CountType countType, int countNumber) {

    public Rule {
        tagPrefixList = List.copyOf(tagPrefixList);
        tagPatternList = List.copyOf(tagPatternList);
    }

    /**
     * Whether an image with these tags meets the rule's tagging requirements. With several prefixes or patterns,
     * each of them must match one of the image's tags (not necessarily the same one).
     */
    public boolean selects(List<String> tags) {
        return switch (tagStatus) {
            case ANY -> true;
            case UNTAGGED -> tags.isEmpty();
            case TAGGED -> !tags.isEmpty()
                    && tagPrefixList.stream().allMatch(prefix -> tags.stream().anyMatch(tag -> tag.startsWith(prefix)))
                    && tagPatternList.stream().allMatch(pattern -> tags.stream().anyMatch(tag -> globMatches(pattern, tag)));
        };
    }

    /** Whether the whole tag matches the pattern, where {@code *} stands for any run of characters. */
    static boolean globMatches(String pattern, String tag) {
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
                // Let the last '*' swallow one more character and try again from there.
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
