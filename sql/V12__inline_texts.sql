-- Audit records and outbox payloads as inline texts rather than large objects: H2 keeps a TEXT (a CLOB) of a
-- kilobyte or more in its separate LOB storage, which made writing and reading each row several times dearer. A
-- record's texts are capped (Redaction), so a megabyte is room enough. Portable between H2 2.x and PostgreSQL.
ALTER TABLE audit_record ALTER COLUMN record SET DATA TYPE VARCHAR(1000000);
ALTER TABLE outbox_event ALTER COLUMN payload SET DATA TYPE VARCHAR(1000000);
