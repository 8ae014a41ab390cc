-- The audit trail (issue 13): one row per call, CloudTrail's record as JSON, and a hash chain over the records.
CREATE TABLE audit_record (
    id              BIGINT         NOT NULL PRIMARY KEY,
    event_time      BIGINT         NOT NULL,
    event_id        VARCHAR(36)    NOT NULL UNIQUE,
    account_id      VARCHAR(12),
    event_source    VARCHAR(64)    NOT NULL,
    event_name      VARCHAR(64)    NOT NULL,
    read_only       BOOLEAN        NOT NULL,
    user_name       VARCHAR(200),
    access_key_id   VARCHAR(128),
    resource_type   VARCHAR(64),
    resource_name   VARCHAR(300),
    error_code      VARCHAR(128),
    record          TEXT           NOT NULL,
    -- SHA-256 (hex) of previous_hash and record: changing, removing or reordering a record breaks the chain.
    previous_hash   VARCHAR(64)    NOT NULL,
    hash            VARCHAR(64)    NOT NULL
);
CREATE INDEX audit_record_account_time ON audit_record (account_id, event_time);
CREATE INDEX audit_record_time ON audit_record (event_time);

-- The chain's head: the last record written and its hash. Writers lock this row, so that the chain stays one line
-- when several instances write.
CREATE TABLE audit_chain (
    id         INTEGER       NOT NULL PRIMARY KEY,
    last_id    BIGINT        NOT NULL,
    last_hash  VARCHAR(64)   NOT NULL
);
INSERT INTO audit_chain (id, last_id, last_hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
