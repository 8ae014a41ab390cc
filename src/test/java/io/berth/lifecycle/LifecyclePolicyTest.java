package io.berth.lifecycle;

import static io.berth.lifecycle.LifecycleEvaluationTest.policy;
import static io.berth.lifecycle.LifecycleEvaluationTest.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing and validation: each of ECR's rules refused with a message naming the rule. */
class LifecyclePolicyTest {

    private static final String COUNT = "\"countType\": \"imageCountMoreThan\", \"countNumber\": 1";
    private static final String UNTAGGED = "\"tagStatus\": \"untagged\", " + COUNT;
    private static final String ANY = "\"tagStatus\": \"any\", " + COUNT;

    @Test
    void parsesAValidPolicyInPriorityOrder() {
        LifecyclePolicy parsed = policy(
                rule(9, ANY),
                rule(5, "\"tagStatus\": \"tagged\", \"tagPatternList\": [\"prod*\", \"*-rc\"], " + COUNT),
                rule(2, """
                        "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                        "countNumber": 14"""));
        assertEquals(List.of(2, 5, 9), parsed.rules().stream().map(Rule::rulePriority).toList());
        Rule tagged = parsed.rules().get(1);
        assertEquals(new Rule(5, "Rule 5", TagStatus.TAGGED, List.of(), List.of("prod*", "*-rc"),
                CountType.IMAGE_COUNT_MORE_THAN, 1), tagged);
        assertEquals(CountType.SINCE_IMAGE_PUSHED, parsed.rules().get(0).countType());
        assertEquals(14, parsed.rules().get(0).countNumber());
    }

    @Test
    void descriptionIsOptional() {
        LifecyclePolicy parsed = LifecyclePolicy.parse("""
                {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                "countNumber": 3}, "action": {"type": "expire"}}]}""");
        assertNull(parsed.rules().get(0).description());
    }

    @Test
    void rulePriorityMustBeUnique() {
        refused("rule 3: rulePriority must be unique, another rule has it too", rule(3, UNTAGGED),
                rule(3, "\"tagStatus\": \"tagged\", \"tagPrefixList\": [\"v\"], " + COUNT));
    }

    @Test
    void rulePriorityMustBeAtLeastOne() {
        refused("rule 0: rulePriority must be at least 1", rule(0, UNTAGGED));
        refused("rule -4: rulePriority must be at least 1", rule(-4, UNTAGGED));
    }

    @Test
    void rulePriorityMustBeAnInteger() {
        refusedJson("rules[0]: rulePriority must be an integer", """
                {"rules": [{"rulePriority": 1.5, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                "countNumber": 1}, "action": {"type": "expire"}}]}""");
        refusedJson("rules[0]: rulePriority must be an integer", """
                {"rules": [{"rulePriority": "1", "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                "countNumber": 1}, "action": {"type": "expire"}}]}""");
        refusedJson("rules[0]: rulePriority is required", """
                {"rules": [{"selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                "countNumber": 1}, "action": {"type": "expire"}}]}""");
    }

    @Test
    void taggedNeedsAPrefixOrPatternList() {
        refused("rule 2: tagStatus tagged needs tagPrefixList or tagPatternList",
                rule(2, "\"tagStatus\": \"tagged\", " + COUNT));
        refused("rule 2: tagStatus tagged needs tagPrefixList or tagPatternList",
                rule(2, "\"tagStatus\": \"tagged\", \"tagPrefixList\": [], " + COUNT));
    }

    @Test
    void taggedTakesNotBothLists() {
        refused("rule 1: tagStatus tagged takes tagPrefixList or tagPatternList, not both",
                rule(1, "\"tagStatus\": \"tagged\", \"tagPrefixList\": [\"a\"], \"tagPatternList\": [\"b*\"], "
                        + COUNT));
    }

    @Test
    void untaggedAndAnyTakeNeitherList() {
        refused("rule 1: tagStatus untagged takes neither tagPrefixList nor tagPatternList",
                rule(1, "\"tagStatus\": \"untagged\", \"tagPrefixList\": [\"a\"], " + COUNT));
        refused("rule 1: tagStatus any takes neither tagPrefixList nor tagPatternList",
                rule(1, "\"tagStatus\": \"any\", \"tagPatternList\": [\"a*\"], " + COUNT));
    }

    @Test
    void tagStatusMustBeKnown() {
        refused("rule 1: tagStatus must be tagged, untagged or any, not all",
                rule(1, "\"tagStatus\": \"all\", " + COUNT));
    }

    @Test
    void patternsTakeAtMostFourWildcards() {
        policy(rule(1, "\"tagStatus\": \"tagged\", \"tagPatternList\": [\"*test*1*2*3\", \"test*1*2*3*\"], "
                + COUNT));
        refused("rule 1: tag pattern test*1*2*3*4*5*6 has 6 wildcards, at most 4 are allowed",
                rule(1, "\"tagStatus\": \"tagged\", \"tagPatternList\": [\"test*1*2*3*4*5*6\"], " + COUNT));
        refused("rule 1: tag pattern ***** has 5 wildcards, at most 4 are allowed",
                rule(1, "\"tagStatus\": \"tagged\", \"tagPatternList\": [\"*****\"], " + COUNT));
    }

    @Test
    void emptyPrefixesAndPatternsAreRefused() {
        refused("rule 1: tagPrefixList entries must not be empty",
                rule(1, "\"tagStatus\": \"tagged\", \"tagPrefixList\": [\"\"], " + COUNT));
        refused("rule 1: tagPatternList entries must not be empty",
                rule(1, "\"tagStatus\": \"tagged\", \"tagPatternList\": [\"\"], " + COUNT));
        refused("rule 1: tagPatternList entries must be a string",
                rule(1, "\"tagStatus\": \"tagged\", \"tagPatternList\": [7], " + COUNT));
    }

    @Test
    void countUnitOnlyWithAgeCounts() {
        refused("rule 1: countType imageCountMoreThan takes no countUnit",
                rule(1, "\"tagStatus\": \"any\", \"countType\": \"imageCountMoreThan\", \"countUnit\": \"days\", "
                        + "\"countNumber\": 1"));
    }

    @Test
    void countUnitRequiredWithAgeCounts() {
        refused("rule 1: countType sinceImagePushed needs countUnit days",
                rule(1, "\"tagStatus\": \"any\", \"countType\": \"sinceImagePushed\", \"countNumber\": 1"));
        refused("rule 1: countType sinceImagePulled needs countUnit days",
                rule(1, "\"tagStatus\": \"any\", \"countType\": \"sinceImagePulled\", \"countNumber\": 1"));
        refused("rule 1: countUnit must be days, not hours",
                rule(1, "\"tagStatus\": \"any\", \"countType\": \"sinceImagePushed\", \"countUnit\": \"hours\", "
                        + "\"countNumber\": 1"));
    }

    @Test
    void countTypeMustBeKnown() {
        refused("rule 1: countType must be imageCountMoreThan, sinceImagePushed or sinceImagePulled, not "
                + "sinceImageTransitioned",
                rule(1, "\"tagStatus\": \"any\", \"countType\": \"sinceImageTransitioned\", \"countUnit\": \"days\", "
                        + "\"countNumber\": 1"));
    }

    @Test
    void countNumberMustBePositive() {
        refused("rule 1: countNumber must be greater than 0",
                rule(1, "\"tagStatus\": \"any\", \"countType\": \"imageCountMoreThan\", \"countNumber\": 0"));
        refused("rule 1: countNumber must be greater than 0",
                rule(1, "\"tagStatus\": \"any\", \"countType\": \"imageCountMoreThan\", \"countNumber\": -1"));
        refused("rule 1: countNumber is required",
                rule(1, "\"tagStatus\": \"any\", \"countType\": \"imageCountMoreThan\""));
    }

    @Test
    void actionMustBeExpire() {
        refusedJson("rule 1: action type must be expire, not transition", """
                {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                "countNumber": 1}, "action": {"type": "transition"}}]}""");
        refusedJson("rule 1: action is required", """
                {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                "countNumber": 1}}]}""");
    }

    @Test
    void anyRuleMustHaveTheHighestPriority() {
        refused("rule 2: tagStatus any must have the highest rulePriority, but rule 5 comes after it",
                rule(2, ANY), rule(5, UNTAGGED));
    }

    @Test
    void onlyOneRuleMaySelectUntaggedImages() {
        refused("rule 4: only one rule may select untagged images, rule 1 does already",
                rule(1, UNTAGGED),
                rule(4, "\"tagStatus\": \"untagged\", \"countType\": \"sinceImagePushed\", \"countUnit\": \"days\", "
                        + "\"countNumber\": 3"));
    }

    @Test
    void unknownMembersAreRefusedAtEveryLevel() {
        refusedJson("policy: unknown member version", """
                {"version": 1, "rules": [%s]}""".formatted(rule(1, ANY)));
        refusedJson("rule 1: unknown member priority", """
                {"rules": [{"rulePriority": 1, "priority": 1, "selection": {%s}, "action": {"type": "expire"}}]}"""
                .formatted(ANY));
        refused("rule 1: selection: unknown member storageClass",
                rule(1, ANY + ", \"storageClass\": \"archive\""));
        refusedJson("rule 1: action: unknown member targetStorageClass", """
                {"rules": [{"rulePriority": 1, "selection": {%s},
                "action": {"type": "expire", "targetStorageClass": "archive"}}]}""".formatted(ANY));
    }

    @Test
    void malformedJsonIsRefused() {
        // ECR's own page once printed Example B with a missing comma between rules; that must not parse.
        LifecyclePolicyException e = assertThrows(LifecyclePolicyException.class,
                () -> LifecyclePolicy.parse("{\"rules\": [" + rule(1, UNTAGGED) + " " + rule(2, ANY) + "]}"));
        assertTrue(e.getMessage().startsWith("policy is not valid JSON: "), e.getMessage());
        e = assertThrows(LifecyclePolicyException.class, () -> LifecyclePolicy.parse("{\"rules\": ["));
        assertTrue(e.getMessage().startsWith("policy is not valid JSON: "), e.getMessage());
        refusedJson("policy must be a JSON object", "[]");
        refusedJson("policy is missing", null);
    }

    @Test
    void rulesMustBeANonEmptyArray() {
        refusedJson("policy: rules must be a non-empty array", "{\"rules\": []}");
        refusedJson("policy: rules must be a non-empty array", "{}");
        refusedJson("policy: rules must be a non-empty array", "{\"rules\": {}}");
        refusedJson("rules[0]: must be an object", "{\"rules\": [1]}");
    }

    private static void refused(String message, String... rules) {
        refusedJson(message, "{\"rules\": [" + String.join(", ", rules) + "]}");
    }

    private static void refusedJson(String message, String json) {
        LifecyclePolicyException e = assertThrows(LifecyclePolicyException.class, () -> LifecyclePolicy.parse(json));
        assertEquals(message, e.getMessage());
    }
}
