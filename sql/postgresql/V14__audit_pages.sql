-- The audit trail in pages (issue 13): one row per flush with its records as lines of text, instead of a row and
-- three index entries per call, and for each page the lookup attributes' values that occur in it, so that
-- LookupEvents still reads only the pages that can hold what it looks for. The records themselves move in V15.
CREATE TABLE audit_page (
    -- The number of the page's first record in the chain; the others follow it without gaps.
    id              BIGINT         NOT NULL PRIMARY KEY,
    record_count    INTEGER        NOT NULL,
    min_time        BIGINT         NOT NULL,
    max_time        BIGINT         NOT NULL,
    -- The hash of the record before the page's first.
    previous_hash   VARCHAR(64)    NOT NULL,
    -- UTF-8 lines "<hash> <epoch millis> <record JSON>", each hash that of the previous one and the JSON.
    records         BYTEA          NOT NULL
);
CREATE INDEX audit_page_max_time ON audit_page (max_time);

CREATE TABLE audit_page_key (
    account_id      VARCHAR(12)    NOT NULL,
    -- A CloudTrail lookup attribute (EventName, Username, ...), or '' with '' for all of the account's records.
    attribute       VARCHAR(16)    NOT NULL,
    attribute_value VARCHAR(300)   NOT NULL,
    page_id         BIGINT         NOT NULL,
    PRIMARY KEY (account_id, attribute, attribute_value, page_id)
);
CREATE INDEX audit_page_key_page ON audit_page_key (page_id);
