-- Core registry schema. Portable between H2 2.x and PostgreSQL: times are epoch milliseconds (BIGINT),
-- manifest bytes are BYTEA (H2 accepts it as VARBINARY).

CREATE TABLE account (
    id          VARCHAR(12)  NOT NULL PRIMARY KEY,
    name        VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL
);

-- The account every repository belongs to until identities exist.
INSERT INTO account (id, name, created_at) VALUES ('000000000000', 'default', 0);

-- Ids come from sequences: portable across H2, PostgreSQL, EclipseLink and Hibernate (EclipseLink 4 cannot read
-- H2 2.x identity columns back). The increment must equal the JPA allocationSize.
CREATE SEQUENCE repository_seq START WITH 1 INCREMENT BY 1;
CREATE SEQUENCE image_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE repository (
    id              BIGINT       NOT NULL PRIMARY KEY,
    account_id      VARCHAR(12)  NOT NULL REFERENCES account (id),
    name            VARCHAR(255) NOT NULL,
    created_at      BIGINT       NOT NULL,
    CONSTRAINT repository_name_unique UNIQUE (account_id, name)
);
-- _catalog pages walk names in order.
CREATE INDEX repository_by_name ON repository (name);

-- Content-addressed and shared: one row per stored blob, whichever repositories link it.
CREATE TABLE blob (
    digest      VARCHAR(140) NOT NULL PRIMARY KEY,
    size        BIGINT       NOT NULL,
    created_at  BIGINT       NOT NULL
);

-- A repository may read a blob only through a link.
CREATE TABLE repository_blob (
    repository_id  BIGINT       NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    digest         VARCHAR(140) NOT NULL REFERENCES blob (digest),
    linked_at      BIGINT       NOT NULL,
    PRIMARY KEY (repository_id, digest)
);
CREATE INDEX repository_blob_by_digest ON repository_blob (digest);

-- A stored manifest, byte for byte.
CREATE TABLE image (
    id              BIGINT        NOT NULL PRIMARY KEY,
    repository_id   BIGINT        NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    digest          VARCHAR(140)  NOT NULL,
    media_type      VARCHAR(255)  NOT NULL,
    content         BYTEA         NOT NULL,
    size            BIGINT        NOT NULL,
    artifact_type   VARCHAR(255),
    subject_digest  VARCHAR(140),
    annotations     VARCHAR(65535),
    pushed_at       BIGINT        NOT NULL,
    pushed_by       VARCHAR(128)  NOT NULL,
    last_pulled_at  BIGINT,
    CONSTRAINT image_digest_unique UNIQUE (repository_id, digest)
);
CREATE INDEX image_by_subject ON image (repository_id, subject_digest);

-- What a manifest references (config, layers, child manifests), so that sizes, referrers and garbage
-- collection are queries.
CREATE TABLE image_reference (
    image_id    BIGINT        NOT NULL REFERENCES image (id) ON DELETE CASCADE,
    position    INT           NOT NULL,
    kind        VARCHAR(16)   NOT NULL,
    digest      VARCHAR(140)  NOT NULL,
    size        BIGINT        NOT NULL,
    media_type  VARCHAR(255)  NOT NULL,
    PRIMARY KEY (image_id, position)
);
CREATE INDEX image_reference_by_digest ON image_reference (digest);

CREATE TABLE tag (
    repository_id  BIGINT        NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    name           VARCHAR(128)  NOT NULL,
    image_id       BIGINT        NOT NULL REFERENCES image (id) ON DELETE CASCADE,
    updated_at     BIGINT        NOT NULL,
    PRIMARY KEY (repository_id, name)
);
CREATE INDEX tag_by_image ON tag (image_id);

-- An upload in progress; its bytes live in the blob store under the same id.
CREATE TABLE upload (
    id             VARCHAR(36)  NOT NULL PRIMARY KEY,
    repository_id  BIGINT       NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    received       BIGINT       NOT NULL,
    started_at     BIGINT       NOT NULL,
    touched_at     BIGINT       NOT NULL
);
