-- Domain events, written in the transaction of the change they announce and deleted once delivered (issue 13).
CREATE SEQUENCE outbox_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE outbox_event (
    id           BIGINT         NOT NULL PRIMARY KEY,
    occurred_at  BIGINT         NOT NULL,
    type         VARCHAR(200)   NOT NULL,
    payload      TEXT           NOT NULL,
    attempts     INTEGER        DEFAULT 0 NOT NULL,
    last_error   VARCHAR(1000)
);

-- One instance at a time delivers, so that each repository's events reach observers in commit order.
INSERT INTO lease (name, owner, expires_at) VALUES ('outbox', '', 0);
