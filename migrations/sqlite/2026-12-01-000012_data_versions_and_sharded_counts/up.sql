-- A number that grows with every committed change to what event and
-- attendance responses show (events, answers, and the names and addresses
-- of users), so a response's ETag can be checked with one row read. SQLite
-- has one writer at a time, so one row serves.
CREATE TABLE data_versions (
    shard INTEGER PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (shard, version) VALUES (0, 0);

CREATE VIEW data_version AS
    SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS version FROM data_versions;

CREATE TRIGGER events_versioned_on_insert AFTER INSERT ON events
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER events_versioned_on_update AFTER UPDATE ON events
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER events_versioned_on_delete AFTER DELETE ON events
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER attendances_versioned_on_insert AFTER INSERT ON attendances
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER attendances_versioned_on_update AFTER UPDATE ON attendances
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER attendances_versioned_on_delete AFTER DELETE ON attendances
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER users_versioned_on_update AFTER UPDATE OF username, email ON users
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER users_versioned_on_delete AFTER DELETE ON users
BEGIN UPDATE data_versions SET version = version + 1; END;

-- The events total is read as a sum over shards, as on PostgreSQL (which
-- spreads it over several rows so that creates don't queue on one); here
-- it stays one row.
CREATE VIEW event_total AS
    SELECT CAST(COALESCE(SUM(row_count), 0) AS BIGINT) AS row_count
    FROM row_counts WHERE table_name = 'events';
