-- Substring search on event names through an FTS5 trigram index, kept by
-- triggers: a term of three or more characters is a phrase of trigrams, so
-- `MATCH '"jazz"'` finds exactly the names containing "jazz" (case folded,
-- Unicode-aware) without reading the events table. The index points at
-- events by rowid; events has indexes, so VACUUM keeps its rowids.
CREATE VIRTUAL TABLE events_name_search USING fts5(
    name,
    content = 'events',
    content_rowid = 'rowid',
    tokenize = 'trigram case_sensitive 0'
);
INSERT INTO events_name_search (events_name_search) VALUES ('rebuild');

CREATE TRIGGER events_name_search_on_insert AFTER INSERT ON events
BEGIN
    INSERT INTO events_name_search (rowid, name) VALUES (new.rowid, new.name);
END;

CREATE TRIGGER events_name_search_on_delete AFTER DELETE ON events
BEGIN
    INSERT INTO events_name_search (events_name_search, rowid, name)
        VALUES ('delete', old.rowid, old.name);
END;

CREATE TRIGGER events_name_search_on_rename AFTER UPDATE OF name ON events
BEGIN
    INSERT INTO events_name_search (events_name_search, rowid, name)
        VALUES ('delete', old.rowid, old.name);
    INSERT INTO events_name_search (rowid, name) VALUES (new.rowid, new.name);
END;
