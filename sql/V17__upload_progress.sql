-- An upload's progress lives with its row, so that any instance can take its next chunk or complete it: the SHA-256
-- of the bytes received so far (so that completing it on another instance reads nothing again), the blob store's
-- note of where the bytes are (an S3 multipart upload and its parts), and which request is writing a chunk now (a
-- claim, so that two chunks never write at once).
ALTER TABLE upload ADD COLUMN received_sha256 VARCHAR(80);
ALTER TABLE upload ADD COLUMN store_state VARCHAR(1000000);
ALTER TABLE upload ADD COLUMN writer VARCHAR(36);
