-- An upload's progress lives with its row, so that any instance can take its next chunk: the running SHA-256
-- (saved state), the blob store's note of where the bytes are (an S3 multipart upload and its parts), and which
-- request is writing a chunk now (a claim, so that two chunks never write at once).
ALTER TABLE upload ADD COLUMN hash_state VARCHAR(512);
ALTER TABLE upload ADD COLUMN store_state VARCHAR(1000000);
ALTER TABLE upload ADD COLUMN writer VARCHAR(36);
