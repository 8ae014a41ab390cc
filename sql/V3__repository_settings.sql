-- Repository settings that the ECR API creates and describes.
ALTER TABLE repository ADD COLUMN tag_mutability VARCHAR(32) DEFAULT 'MUTABLE' NOT NULL;
-- Wildcard patterns (one per line) exempt from the mutability setting, for the *_WITH_EXCLUSION modes.
ALTER TABLE repository ADD COLUMN tag_mutability_exclusions VARCHAR(1024);
ALTER TABLE repository ADD COLUMN scan_on_push BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE repository ADD COLUMN encryption_type VARCHAR(16) DEFAULT 'AES256' NOT NULL;
ALTER TABLE repository ADD COLUMN kms_key VARCHAR(2048);
