package io.berth.registry;

/** Why the registry refused a request. Boundaries translate each into their protocol's error. */
public enum Problem {
    BLOB_UNKNOWN,
    BLOB_IN_USE,
    BLOB_UPLOAD_INVALID,
    UPLOAD_OUT_OF_ORDER,
    BLOB_UPLOAD_UNKNOWN,
    DIGEST_INVALID,
    MANIFEST_BLOB_UNKNOWN,
    MANIFEST_INVALID,
    /** A signed (Docker schema 1) manifest whose signatures do not verify. */
    MANIFEST_UNVERIFIED,
    MANIFEST_TOO_LARGE,
    MANIFEST_UNKNOWN,
    NAME_INVALID,
    NAME_UNKNOWN,
    SIZE_INVALID,
    TAG_INVALID,
    RANGE_NOT_SATISFIABLE,
    PAGINATION_NUMBER_INVALID,
    UNSUPPORTED,
    /** Explicit creation of a repository that exists (the ECR API; pushes never ask for it). */
    REPOSITORY_EXISTS,
    /** An image id whose tag names another image than its digest. */
    TAG_DIGEST_MISMATCH,
    /** Moving a tag that the repository's mutability setting makes immutable. */
    TAG_IMMUTABLE,
    /** More resource tags than a repository may have. */
    TOO_MANY_TAGS,
    /** Deleting a repository that still holds images, without force. */
    REPOSITORY_NOT_EMPTY,
    /** ECR's PutImage of an image (and tag) the repository already holds: nothing would change. */
    IMAGE_ALREADY_EXISTS,
    /** Reading or deleting a repository policy, lifecycle policy or registry policy that is not there. */
    REPOSITORY_POLICY_NOT_FOUND,
    LIFECYCLE_POLICY_NOT_FOUND,
    REGISTRY_POLICY_NOT_FOUND
}
