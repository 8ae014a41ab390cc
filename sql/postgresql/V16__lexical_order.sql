-- Names and digests compare and sort byte by byte (the "C" collation), whatever the database's own collation: tag
-- lists, the catalog, the console's repository pages and the collector's walk through the blobs go in the
-- distribution spec's lexical order, and a page that starts after a name ends where the Java code expects. H2
-- compares strings so already.
ALTER TABLE repository ALTER COLUMN name TYPE VARCHAR(255) COLLATE "C";
ALTER TABLE tag ALTER COLUMN name TYPE VARCHAR(128) COLLATE "C";
ALTER TABLE blob ALTER COLUMN digest TYPE VARCHAR(140) COLLATE "C";
ALTER TABLE repository_blob ALTER COLUMN digest TYPE VARCHAR(140) COLLATE "C";
ALTER TABLE image ALTER COLUMN digest TYPE VARCHAR(140) COLLATE "C";
ALTER TABLE image ALTER COLUMN subject_digest TYPE VARCHAR(140) COLLATE "C";
ALTER TABLE image_reference ALTER COLUMN digest TYPE VARCHAR(140) COLLATE "C";
ALTER TABLE lifecycle_preview_image ALTER COLUMN digest TYPE VARCHAR(140) COLLATE "C";
ALTER TABLE iam_user ALTER COLUMN name TYPE VARCHAR(64) COLLATE "C";
ALTER TABLE iam_group ALTER COLUMN name TYPE VARCHAR(128) COLLATE "C";
ALTER TABLE iam_policy ALTER COLUMN name TYPE VARCHAR(128) COLLATE "C";
