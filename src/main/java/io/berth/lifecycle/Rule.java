package io.berth.lifecycle;

import io.berth.registry.TagPatterns;

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
                    && tagPatternList.stream().allMatch(pattern -> tags.stream().anyMatch(tag -> TagPatterns.matches(pattern, tag)));
        };
    }
}
