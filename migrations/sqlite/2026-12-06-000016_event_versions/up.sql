-- Versions with the grain of what responses show. An event's detail, its
-- attendance list and its calendar show the event, its answers and the
-- names and addresses of its organizer and attendees: those move the
-- event's own version. A listing shows events and their organizers: those
-- move `data_versions` (now the listings' version), and an answer does not.

-- Each event's version, in one row made with the event (PostgreSQL
-- spreads it over shards made on first change; SQLite has one writer at a
-- time). A change is then a plain UPDATE of that row, cheaper than an
-- upsert on the one writer's path.
CREATE TABLE event_versions (
    event_id TEXT NOT NULL,
    shard INTEGER NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (event_id, shard)
) WITHOUT ROWID;
INSERT INTO event_versions (event_id, shard, version) SELECT id, 0, 0 FROM events;

CREATE TRIGGER events_version_on_insert AFTER INSERT ON events
BEGIN
    INSERT INTO event_versions (event_id, shard, version) VALUES (NEW.id, 0, 0);
END;
CREATE TRIGGER events_version_on_update AFTER UPDATE ON events
BEGIN
    UPDATE event_versions SET version = version + 1 WHERE event_id = NEW.id AND shard = 0;
END;
-- A deleted event takes its row along; its cascaded answers then find
-- no row to move.
CREATE TRIGGER events_version_on_delete AFTER DELETE ON events
BEGIN
    DELETE FROM event_versions WHERE event_id = OLD.id;
END;

-- Answers move their event's version only, no longer the listings'.
DROP TRIGGER attendances_versioned_on_insert;
DROP TRIGGER attendances_versioned_on_update;
DROP TRIGGER attendances_versioned_on_delete;
CREATE TRIGGER attendances_versioned_on_insert AFTER INSERT ON attendances
BEGIN
    UPDATE event_versions SET version = version + 1 WHERE event_id = NEW.event_id AND shard = 0;
END;
CREATE TRIGGER attendances_versioned_on_update AFTER UPDATE ON attendances
BEGIN
    UPDATE event_versions SET version = version + 1
    WHERE event_id IN (OLD.event_id, NEW.event_id) AND shard = 0;
END;
CREATE TRIGGER attendances_versioned_on_delete AFTER DELETE ON attendances
BEGIN
    UPDATE event_versions SET version = version + 1 WHERE event_id = OLD.event_id AND shard = 0;
END;

-- A user's username or email is shown in listings (when they organize
-- an event) and in the events they organize or answered. A user's deletion
-- reaches those through the cascades (answers deleted, organizer set to NULL).
DROP TRIGGER users_versioned_on_update;
DROP TRIGGER users_versioned_on_delete;
CREATE TRIGGER users_versioned_on_update AFTER UPDATE OF username, email ON users
WHEN OLD.username IS NOT NEW.username OR OLD.email IS NOT NEW.email
BEGIN
    UPDATE event_versions SET version = version + 1
    WHERE shard = 0 AND event_id IN (
        SELECT event_id FROM attendances WHERE user_id = NEW.id
        UNION SELECT id FROM events WHERE organizer_id = NEW.id
    );
    UPDATE data_versions SET version = version + 1
    WHERE EXISTS (SELECT 1 FROM events WHERE organizer_id = NEW.id);
END;
