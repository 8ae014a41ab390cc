-- A repository's lifecycle policy (ECR's JSON), validated before it is stored.
ALTER TABLE repository ADD COLUMN lifecycle_policy VARCHAR(30720);
