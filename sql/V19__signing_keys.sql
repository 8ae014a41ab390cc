-- Keys the registry signs with, sealed with the server key (AES-GCM): the Docker schema 1 manifests it converts images
-- to are signed with one key that every instance shares and that outlives restarts.
CREATE TABLE signing_key (
    name        VARCHAR(100)  NOT NULL PRIMARY KEY,
    private_key VARCHAR(8000) NOT NULL,
    created_at  BIGINT        NOT NULL
);
