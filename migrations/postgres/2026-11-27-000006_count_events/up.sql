-- The number of events, kept by triggers, so an unfiltered listing's total
-- is one row read instead of a scan that grows with the table. Statement-level
-- triggers count a whole bulk insert or delete in one update.
CREATE TABLE row_counts (
    table_name VARCHAR(63) PRIMARY KEY,
    row_count BIGINT NOT NULL
);
INSERT INTO row_counts (table_name, row_count) SELECT 'events', COUNT(*) FROM events;

CREATE FUNCTION count_inserted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET row_count = row_count + (SELECT COUNT(*) FROM inserted) WHERE table_name = 'events';
    RETURN NULL;
END $$;

CREATE FUNCTION count_deleted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET row_count = row_count - (SELECT COUNT(*) FROM deleted) WHERE table_name = 'events';
    RETURN NULL;
END $$;

CREATE TRIGGER events_counted_on_insert AFTER INSERT ON events
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_events();
CREATE TRIGGER events_counted_on_delete AFTER DELETE ON events
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_events();
