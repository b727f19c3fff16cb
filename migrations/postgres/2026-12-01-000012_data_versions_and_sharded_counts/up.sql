-- A number that grows with every committed change to what event and
-- attendance responses show (events, answers, and the names and addresses
-- of users), so a response's ETag can be checked with one small read. It
-- is spread over 16 rows, each connection bumping the one its backend's
-- pid picks, so concurrent writers don't queue on one row; the sum grows
-- by one or more with every committed write.
CREATE TABLE data_versions (
    shard SMALLINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (shard, version) SELECT s, 0 FROM generate_series(0, 15) AS s;

CREATE VIEW data_version AS
    SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS version FROM data_versions;

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE shard = pg_backend_pid() % 16;
    RETURN NULL;
END $$;

CREATE TRIGGER events_versioned AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER attendances_versioned AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON attendances
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER users_versioned AFTER UPDATE OF username, email OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

-- The events total, spread the same way: every create used to wait for
-- the one row the create before it had locked until its commit.
ALTER TABLE row_counts ADD COLUMN shard SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE row_counts DROP CONSTRAINT row_counts_pkey;
ALTER TABLE row_counts ADD PRIMARY KEY (table_name, shard);
INSERT INTO row_counts (table_name, shard, row_count)
    SELECT 'events', s, 0 FROM generate_series(1, 15) AS s;

CREATE OR REPLACE FUNCTION count_inserted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET row_count = row_count + (SELECT COUNT(*) FROM inserted)
        WHERE table_name = 'events' AND shard = pg_backend_pid() % 16;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION count_deleted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET row_count = row_count - (SELECT COUNT(*) FROM deleted)
        WHERE table_name = 'events' AND shard = pg_backend_pid() % 16;
    RETURN NULL;
END $$;

CREATE VIEW event_total AS
    SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT) AS row_count
    FROM row_counts WHERE table_name = 'events';
