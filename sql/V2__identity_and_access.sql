-- Identities (users, groups, access keys, login tokens), their policies, and repository policies.
-- Portable between H2 2.x and PostgreSQL; times are epoch milliseconds.

CREATE SEQUENCE iam_user_seq START WITH 1 INCREMENT BY 1;
CREATE SEQUENCE iam_group_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE iam_user (
    id             BIGINT        NOT NULL PRIMARY KEY,
    account_id     VARCHAR(12)   NOT NULL REFERENCES account (id),
    name           VARCHAR(64)   NOT NULL,
    -- IAM's unique id for the user (AIDA…), shown in GetUser/ListUsers.
    external_id    VARCHAR(32)   NOT NULL,
    -- Pbkdf2PasswordHash output; null until a login profile (password) is set.
    password_hash  VARCHAR(512),
    enabled        BOOLEAN       NOT NULL,
    administrator  BOOLEAN       NOT NULL,
    created_at     BIGINT        NOT NULL,
    CONSTRAINT iam_user_name_unique UNIQUE (account_id, name)
);

CREATE TABLE iam_group (
    id          BIGINT       NOT NULL PRIMARY KEY,
    account_id  VARCHAR(12)  NOT NULL REFERENCES account (id),
    name        VARCHAR(128) NOT NULL,
    external_id VARCHAR(32)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    CONSTRAINT iam_group_name_unique UNIQUE (account_id, name)
);

CREATE TABLE iam_group_member (
    group_id  BIGINT NOT NULL REFERENCES iam_group (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES iam_user (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX iam_group_member_by_user ON iam_group_member (user_id);

-- Inline policies of users and groups; owner_kind is USER or GROUP.
CREATE TABLE iam_policy (
    owner_kind  VARCHAR(8)    NOT NULL,
    owner_id    BIGINT        NOT NULL,
    name        VARCHAR(128)  NOT NULL,
    document    VARCHAR(131072) NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, name)
);

-- The secret is encrypted with the server key (AES-GCM): SigV4 verification needs it in clear.
CREATE TABLE access_key (
    id                VARCHAR(20)  NOT NULL PRIMARY KEY,
    user_id           BIGINT       NOT NULL REFERENCES iam_user (id) ON DELETE CASCADE,
    secret_encrypted  VARCHAR(256) NOT NULL,
    active            BOOLEAN      NOT NULL,
    created_at        BIGINT       NOT NULL
);
CREATE INDEX access_key_by_user ON access_key (user_id);

-- Login tokens from GetAuthorizationToken, stored only as a SHA-256 of the password they carry.
CREATE TABLE login_token (
    password_sha256  VARCHAR(64)  NOT NULL PRIMARY KEY,
    user_id          BIGINT       NOT NULL REFERENCES iam_user (id) ON DELETE CASCADE,
    access_key_id    VARCHAR(20),
    expires_at       BIGINT       NOT NULL
);
CREATE INDEX login_token_by_expiry ON login_token (expires_at);

-- A repository's resource policy (IAM JSON), and its resource tags for ecr:ResourceTag conditions.
ALTER TABLE repository ADD COLUMN policy VARCHAR(131072);

CREATE TABLE repository_tag (
    repository_id  BIGINT        NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    tag_key        VARCHAR(128)  NOT NULL,
    tag_value      VARCHAR(256)  NOT NULL,
    PRIMARY KEY (repository_id, tag_key)
);
