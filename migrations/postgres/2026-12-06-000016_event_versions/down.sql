DROP TRIGGER users_versioned ON users;
DROP FUNCTION user_shown_changed();
CREATE TRIGGER users_versioned AFTER UPDATE OF username, email OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
DROP TRIGGER attendances_inserted_versioned ON attendances;
DROP TRIGGER attendances_updated_versioned ON attendances;
DROP TRIGGER attendances_deleted_versioned ON attendances;
DROP FUNCTION answers_changed();
DROP FUNCTION answers_moved();
CREATE TRIGGER attendances_versioned AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON attendances
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
DROP TRIGGER events_deleted_versioned ON events;
DROP TRIGGER events_updated_versioned ON events;
DROP FUNCTION bump_data_version_if_changed();
DROP TRIGGER events_versioned ON events;
CREATE TRIGGER events_versioned AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
DROP TRIGGER events_version_each ON events;
DROP FUNCTION event_row_changed();
DROP FUNCTION bump_event_version(UUID);
DROP VIEW event_version;
DROP TABLE event_versions;
