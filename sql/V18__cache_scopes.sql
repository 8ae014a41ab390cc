-- What instances cache, by scope ("repository:<name>", "identities"): every change bumps its scope's generation in
-- the changing transaction, and every instance reads the scopes changed lately a few times a second and drops what
-- it cached of them. Instances sharing one database thus see each other's changes within a second.
CREATE TABLE cache_scope (
    name        VARCHAR(400) NOT NULL PRIMARY KEY,
    generation  BIGINT       NOT NULL,
    changed_at  BIGINT       NOT NULL
);
CREATE INDEX cache_scope_changed_at ON cache_scope (changed_at);
