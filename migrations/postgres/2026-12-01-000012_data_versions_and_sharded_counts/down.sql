DROP VIEW event_total;

CREATE OR REPLACE FUNCTION count_inserted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET row_count = row_count + (SELECT COUNT(*) FROM inserted) WHERE table_name = 'events';
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION count_deleted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET row_count = row_count - (SELECT COUNT(*) FROM deleted) WHERE table_name = 'events';
    RETURN NULL;
END $$;

UPDATE row_counts AS total SET row_count = (
    SELECT SUM(row_count) FROM row_counts AS part WHERE part.table_name = total.table_name
) WHERE shard = 0;
DELETE FROM row_counts WHERE shard <> 0;
ALTER TABLE row_counts DROP CONSTRAINT row_counts_pkey;
ALTER TABLE row_counts DROP COLUMN shard;
ALTER TABLE row_counts ADD PRIMARY KEY (table_name);

DROP TRIGGER users_versioned ON users;
DROP TRIGGER attendances_versioned ON attendances;
DROP TRIGGER events_versioned ON events;
DROP FUNCTION bump_data_version();
DROP VIEW data_version;
DROP TABLE data_versions;
