DROP INDEX IF EXISTS events_lower_name_trgm;
