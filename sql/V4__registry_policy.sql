-- An account's registry policy (ECR's PutRegistryPolicy), IAM JSON.
CREATE TABLE registry_policy (
    account_id  VARCHAR(12)     NOT NULL PRIMARY KEY REFERENCES account (id),
    policy      VARCHAR(131072) NOT NULL
);
