-- Lifecycle runs, previews and online garbage collection. Portable between H2 2.x and PostgreSQL.

-- A blob row is LIVE (its file is in the store) or DELETING: collection has claimed it, its links are gone and its
-- file is being removed; a crash leaves it DELETING and the next collection finishes the job. touched_at is the
-- last time a push uploaded, mounted or referenced the blob: collection leaves blobs younger than its grace period.
ALTER TABLE blob ADD COLUMN state VARCHAR(8) DEFAULT 'LIVE' NOT NULL;
ALTER TABLE blob ADD COLUMN touched_at BIGINT DEFAULT 0 NOT NULL;
UPDATE blob SET touched_at = created_at;
CREATE INDEX blob_by_state ON blob (state, digest);

-- When the lifecycle policy was last applied to the repository (GetLifecyclePolicy's lastEvaluatedAt).
ALTER TABLE repository ADD COLUMN lifecycle_evaluated_at BIGINT;

-- Work that one instance does at a time: whoever holds the lease until it expires (database clock, epoch millis).
CREATE TABLE lease (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,
    owner       VARCHAR(64)  NOT NULL,
    expires_at  BIGINT       NOT NULL
);
INSERT INTO lease (name, owner, expires_at) VALUES ('lifecycle', '', 0);
INSERT INTO lease (name, owner, expires_at) VALUES ('collection', '', 0);

-- One garbage collection run: its progress while it runs, what it found and reclaimed when it ends.
CREATE TABLE collection_run (
    id                 BIGINT        NOT NULL PRIMARY KEY,
    state              VARCHAR(16)   NOT NULL,
    phase              VARCHAR(32)   NOT NULL,
    owner              VARCHAR(64)   NOT NULL,
    started_at         BIGINT        NOT NULL,
    finished_at        BIGINT,
    blobs_stored       BIGINT        NOT NULL,
    blobs_unreferenced BIGINT        NOT NULL,
    blobs_deleted      BIGINT        NOT NULL,
    bytes_deleted      BIGINT        NOT NULL,
    uploads_deleted    BIGINT        NOT NULL,
    message            VARCHAR(1024)
);

-- The latest lifecycle policy preview of a repository, and the images it would expire, in the order a run would.
CREATE TABLE lifecycle_preview (
    repository_id  BIGINT         NOT NULL PRIMARY KEY REFERENCES repository (id) ON DELETE CASCADE,
    policy_text    VARCHAR(30720) NOT NULL,
    status         VARCHAR(16)    NOT NULL,
    started_at     BIGINT         NOT NULL,
    finished_at    BIGINT
);
CREATE TABLE lifecycle_preview_image (
    repository_id  BIGINT         NOT NULL REFERENCES lifecycle_preview (repository_id) ON DELETE CASCADE,
    position       INT            NOT NULL,
    digest         VARCHAR(140)   NOT NULL,
    -- The image's tags, one per line; empty when untagged.
    tags           VARCHAR(65535) NOT NULL,
    pushed_at      BIGINT         NOT NULL,
    rule_priority  INT            NOT NULL,
    PRIMARY KEY (repository_id, position)
);
