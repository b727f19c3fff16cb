-- The number of events, kept by triggers, so an unfiltered listing's total
-- is one row read instead of a scan that grows with the table.
CREATE TABLE row_counts (
    table_name TEXT PRIMARY KEY NOT NULL,
    row_count INTEGER NOT NULL
);
INSERT INTO row_counts (table_name, row_count) SELECT 'events', COUNT(*) FROM events;

CREATE TRIGGER events_counted_on_insert AFTER INSERT ON events
BEGIN
    UPDATE row_counts SET row_count = row_count + 1 WHERE table_name = 'events';
END;

CREATE TRIGGER events_counted_on_delete AFTER DELETE ON events
BEGIN
    UPDATE row_counts SET row_count = row_count - 1 WHERE table_name = 'events';
END;
