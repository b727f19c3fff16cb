DROP TRIGGER users_versioned_on_update;
CREATE TRIGGER users_versioned_on_update AFTER UPDATE OF username, email ON users
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER users_versioned_on_delete AFTER DELETE ON users
BEGIN UPDATE data_versions SET version = version + 1; END;
DROP TRIGGER attendances_versioned_on_insert;
DROP TRIGGER attendances_versioned_on_update;
DROP TRIGGER attendances_versioned_on_delete;
CREATE TRIGGER attendances_versioned_on_insert AFTER INSERT ON attendances
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER attendances_versioned_on_update AFTER UPDATE ON attendances
BEGIN UPDATE data_versions SET version = version + 1; END;
CREATE TRIGGER attendances_versioned_on_delete AFTER DELETE ON attendances
BEGIN UPDATE data_versions SET version = version + 1; END;
DROP TRIGGER events_version_on_insert;
DROP TRIGGER events_version_on_update;
DROP TRIGGER events_version_on_delete;
DROP TABLE event_versions;
