-- The audit trail without a unique index on event_id: each record's insert updated four indexes, and the audit
-- trail's cost per call is what decides whether auditing every call is affordable. Event ids are UUID v7 (74 random
-- bits, unique by construction); a lookup by event id reads the time embedded in the id and finds the record through
-- the account-and-time index. The table is copied because a unique constraint declared inline has no portable name.
CREATE TABLE audit_record_v13 (
    id              BIGINT         NOT NULL PRIMARY KEY,
    event_time      BIGINT         NOT NULL,
    event_id        VARCHAR(36)    NOT NULL,
    account_id      VARCHAR(12),
    event_source    VARCHAR(64)    NOT NULL,
    event_name      VARCHAR(64)    NOT NULL,
    read_only       BOOLEAN        NOT NULL,
    user_name       VARCHAR(200),
    access_key_id   VARCHAR(128),
    resource_type   VARCHAR(64),
    resource_name   VARCHAR(300),
    error_code      VARCHAR(128),
    record          VARCHAR(1000000) NOT NULL,
    previous_hash   VARCHAR(64)    NOT NULL,
    hash            VARCHAR(64)    NOT NULL
);
INSERT INTO audit_record_v13 SELECT id, event_time, event_id, account_id, event_source, event_name, read_only,
    user_name, access_key_id, resource_type, resource_name, error_code, record, previous_hash, hash FROM audit_record;
DROP TABLE audit_record;
ALTER TABLE audit_record_v13 RENAME TO audit_record;
CREATE INDEX audit_record_account_time ON audit_record (account_id, event_time);
CREATE INDEX audit_record_time ON audit_record (event_time);
