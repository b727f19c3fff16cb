-- Versions with the grain of what responses show. An event's detail, its
-- attendance list and its calendar show the event, its answers and the
-- names and addresses of its organizer and attendees: those move the
-- event's own version. A listing shows events and their organizers: those
-- move `data_versions` (now the listings' version), and an answer does not.

-- Each event's version, spread like `data_versions` over shards picked by
-- the backend's pid, so answers to one event from several connections
-- don't queue on one row. The version is the sum; a missing row is 0.
CREATE TABLE event_versions (
    event_id UUID NOT NULL,
    shard INTEGER NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (event_id, shard)
);

CREATE VIEW event_version AS
    SELECT event_id, CAST(SUM(version) AS BIGINT) AS version
    FROM event_versions GROUP BY event_id;

CREATE FUNCTION bump_event_version(changed UUID) RETURNS void LANGUAGE sql AS $$
    INSERT INTO event_versions (event_id, shard, version)
    VALUES (changed, pg_backend_pid() % 8, 1)
    ON CONFLICT (event_id, shard) DO UPDATE SET version = event_versions.version + 1
$$;

-- A created event has version 0 (no row); a deleted one takes its rows
-- along. Its cascaded answers, deleted after it, find no event and bump
-- nothing.
CREATE FUNCTION event_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM event_versions WHERE event_id = OLD.id;
    ELSE
        PERFORM bump_event_version(NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER events_version_each AFTER UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION event_row_changed();

-- The listings move once per statement that changed an event row. An
-- UPDATE or DELETE of no row (a user's deletion sets the organizer of no
-- event to NULL) moves nothing. Not a row trigger: a bulk insert would
-- update the one shard row once per event in one transaction, each a new
-- version of that row for the next to find (quadratic at a million).
CREATE FUNCTION bump_data_version_if_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed) THEN
        UPDATE data_versions SET version = version + 1 WHERE shard = pg_backend_pid() % 16;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER events_versioned ON events;
CREATE TRIGGER events_versioned AFTER INSERT OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER events_updated_versioned AFTER UPDATE ON events
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version_if_changed();
CREATE TRIGGER events_deleted_versioned AFTER DELETE ON events
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version_if_changed();

-- Answers move their event's version only, no longer the listings'. Once
-- per statement and event, not per row: answers taken together are one
-- statement of many rows to one event, and a row trigger would update
-- that event's shard row once for each.
CREATE FUNCTION answers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_versions (event_id, shard, version)
    SELECT DISTINCT changed.event_id, pg_backend_pid() % 8, 1 FROM changed
    WHERE EXISTS (SELECT 1 FROM events WHERE events.id = changed.event_id)
    ON CONFLICT (event_id, shard) DO UPDATE SET version = event_versions.version + 1;
    RETURN NULL;
END $$;

-- An answer moved to another event (the admin can) moves both.
CREATE FUNCTION answers_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_versions (event_id, shard, version)
    SELECT DISTINCT moved.event_id, pg_backend_pid() % 8, 1
    FROM (SELECT event_id FROM changed UNION SELECT event_id FROM before) AS moved
    WHERE EXISTS (SELECT 1 FROM events WHERE events.id = moved.event_id)
    ON CONFLICT (event_id, shard) DO UPDATE SET version = event_versions.version + 1;
    RETURN NULL;
END $$;

DROP TRIGGER attendances_versioned ON attendances;
CREATE TRIGGER attendances_inserted_versioned AFTER INSERT ON attendances
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION answers_changed();
CREATE TRIGGER attendances_updated_versioned AFTER UPDATE ON attendances
    REFERENCING OLD TABLE AS before NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION answers_moved();
CREATE TRIGGER attendances_deleted_versioned AFTER DELETE ON attendances
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION answers_changed();

-- A user's username or email is shown in listings (when they organize
-- an event) and in the events they organize or answered. A user's deletion reaches
-- those through the cascades (answers deleted, organizer set to NULL).
CREATE FUNCTION user_shown_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_event_version(shown.id) FROM (
        SELECT event_id AS id FROM attendances WHERE user_id = NEW.id
        UNION SELECT id FROM events WHERE organizer_id = NEW.id
    ) AS shown;
    IF EXISTS (SELECT 1 FROM events WHERE organizer_id = NEW.id) THEN
        UPDATE data_versions SET version = version + 1 WHERE shard = pg_backend_pid() % 16;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER users_versioned ON users;
CREATE TRIGGER users_versioned AFTER UPDATE OF username, email ON users
    FOR EACH ROW
    WHEN (OLD.username IS DISTINCT FROM NEW.username OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION user_shown_changed();
