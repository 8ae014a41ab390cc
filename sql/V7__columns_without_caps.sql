-- No column may cap what the distribution spec allows: a manifest of up to 4 MiB (its annotations included) and any
-- number of tags on one image. Portable between H2 2.x and PostgreSQL (TEXT is a CLOB in H2).

-- The referrers API reads a referrer's annotations from the manifest's own bytes.
ALTER TABLE image DROP COLUMN annotations;

ALTER TABLE lifecycle_preview_image ALTER COLUMN tags SET DATA TYPE TEXT;
