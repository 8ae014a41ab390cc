-- The manifests the registry converted an index's children to (an OCI index given as a Docker manifest list, or the
-- other way round): a client that got the converted index pulls each child by the digest it lists, and a pull by
-- digest never converts, so these are kept. Each goes with the image it was made from.
CREATE TABLE converted_manifest (
    repository_id    BIGINT        NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    digest           VARCHAR(200)  NOT NULL,
    source_image_id  BIGINT        NOT NULL REFERENCES image (id) ON DELETE CASCADE,
    media_type       VARCHAR(255)  NOT NULL,
    content          BYTEA         NOT NULL,
    PRIMARY KEY (repository_id, digest)
);
CREATE INDEX converted_manifest_source ON converted_manifest (source_image_id);
