-- Usage metering (issue 13), per account, repository and UTC day. Each table has one writer: transfers are counted
-- by the outbox's delivery (with the delivery, so exactly once), API calls by the audit writer (with the records),
-- stored bytes by the hourly snapshot. Rows stay after their images are gone. repository '' is the whole account.
CREATE TABLE usage_transfer (
    account_id    VARCHAR(12)   NOT NULL,
    repository    VARCHAR(256)  NOT NULL,
    usage_day     DATE          NOT NULL,
    pushes        BIGINT        DEFAULT 0 NOT NULL,
    bytes_pushed  BIGINT        DEFAULT 0 NOT NULL,
    pulls         BIGINT        DEFAULT 0 NOT NULL,
    bytes_pulled  BIGINT        DEFAULT 0 NOT NULL,
    PRIMARY KEY (account_id, repository, usage_day)
);

CREATE TABLE usage_api_calls (
    account_id  VARCHAR(12)   NOT NULL,
    repository  VARCHAR(256)  NOT NULL,
    usage_day   DATE          NOT NULL,
    calls       BIGINT        DEFAULT 0 NOT NULL,
    PRIMARY KEY (account_id, repository, usage_day)
);

-- What the repository's images reference (its blobs once each, and its manifests); for repository '' what the
-- account stores after deduplication (each blob once however many repositories link it).
CREATE TABLE usage_storage (
    account_id    VARCHAR(12)   NOT NULL,
    repository    VARCHAR(256)  NOT NULL,
    usage_day     DATE          NOT NULL,
    stored_bytes  BIGINT        NOT NULL,
    measured_at   BIGINT        NOT NULL,
    PRIMARY KEY (account_id, repository, usage_day)
);

INSERT INTO lease (name, owner, expires_at) VALUES ('usage', '', 0);
