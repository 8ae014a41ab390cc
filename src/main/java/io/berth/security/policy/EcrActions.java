package io.berth.security.policy;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The IAM action names of Amazon ECR: "ecr:" and each operation of the ECR API (service model 2015-09-21). */
public final class EcrActions {

    /** Every ECR action, sorted. */
    public static final Set<String> ALL = Collections.unmodifiableSortedSet(new TreeSet<>(List.of(
            "ecr:BatchCheckLayerAvailability", "ecr:BatchDeleteImage", "ecr:BatchGetImage",
            "ecr:BatchGetRepositoryScanningConfiguration", "ecr:CompleteLayerUpload",
            "ecr:CreatePullThroughCacheRule", "ecr:CreateRepository", "ecr:CreateRepositoryCreationTemplate",
            "ecr:DeleteLifecyclePolicy", "ecr:DeletePullThroughCacheRule", "ecr:DeleteRegistryPolicy",
            "ecr:DeleteRepository", "ecr:DeleteRepositoryCreationTemplate", "ecr:DeleteRepositoryPolicy",
            "ecr:DeleteSigningConfiguration", "ecr:DeregisterPullTimeUpdateExclusion",
            "ecr:DescribeImageReplicationStatus", "ecr:DescribeImageScanFindings", "ecr:DescribeImageSigningStatus",
            "ecr:DescribeImages", "ecr:DescribePullThroughCacheRules", "ecr:DescribeRegistry",
            "ecr:DescribeRepositories", "ecr:DescribeRepositoryCreationTemplates", "ecr:GetAccountSetting",
            "ecr:GetAuthorizationToken", "ecr:GetDownloadUrlForLayer", "ecr:GetLifecyclePolicy",
            "ecr:GetLifecyclePolicyPreview", "ecr:GetRegistryPolicy", "ecr:GetRegistryScanningConfiguration",
            "ecr:GetRepositoryPolicy", "ecr:GetSigningConfiguration", "ecr:InitiateLayerUpload",
            "ecr:ListImageReferrers", "ecr:ListImages", "ecr:ListPullTimeUpdateExclusions",
            "ecr:ListTagsForResource", "ecr:PutAccountSetting", "ecr:PutImage", "ecr:PutImageScanningConfiguration",
            "ecr:PutImageTagMutability", "ecr:PutLifecyclePolicy", "ecr:PutRegistryPolicy",
            "ecr:PutRegistryScanningConfiguration", "ecr:PutReplicationConfiguration",
            "ecr:PutSigningConfiguration", "ecr:RegisterPullTimeUpdateExclusion", "ecr:SetRepositoryPolicy",
            "ecr:StartImageScan", "ecr:StartLifecyclePolicyPreview", "ecr:TagResource", "ecr:UntagResource",
            "ecr:UpdateImageStorageClass", "ecr:UpdatePullThroughCacheRule", "ecr:UpdateRepositoryCreationTemplate",
            "ecr:UploadLayerPart", "ecr:ValidatePullThroughCacheRule")));

    // IAM compares action names case-insensitively.
    static final Set<String> LOWER_CASE = ALL.stream().map(a -> a.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());

    private EcrActions() {
    }

    /** Whether the name is an ECR action, in any letter case. */
    public static boolean isAction(String name) {
        return LOWER_CASE.contains(name.toLowerCase(Locale.ROOT));
    }
}
