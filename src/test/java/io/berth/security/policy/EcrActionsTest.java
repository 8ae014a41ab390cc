package io.berth.security.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The action list: every operation of the ECR service model, prefixed "ecr:". */
class EcrActionsTest {

    @Test
    void holdsEveryOperationOfTheServiceModel() {
        // 58 operations in the ECR service model (API version 2015-09-21) this list was taken from.
        assertEquals(58, EcrActions.ALL.size());
        for (String action : List.of("ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:PutImage",
                "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:SetRepositoryPolicy", "ecr:ListImageReferrers",
                "ecr:ValidatePullThroughCacheRule")) {
            assertTrue(EcrActions.ALL.contains(action), action);
        }
    }

    @Test
    void everyNameIsEcrPrefixedSortedAndUnique() {
        List<String> sorted = new ArrayList<>(EcrActions.ALL);
        sorted.sort(null);
        assertEquals(sorted, new ArrayList<>(EcrActions.ALL));
        assertTrue(EcrActions.ALL.stream().allMatch(a -> a.matches("ecr:[A-Z][A-Za-z]+")));
    }

    @Test
    void isUnmodifiable() {
        assertThrows(UnsupportedOperationException.class, () -> EcrActions.ALL.add("ecr:PullImage"));
    }

    @Test
    void namesAreRecognisedInAnyLetterCase() {
        assertTrue(EcrActions.isAction("ECR:batchgetimage"));
        assertFalse(EcrActions.isAction("ecr:PullImage"));
        assertFalse(EcrActions.isAction("s3:GetObject"));
    }
}
