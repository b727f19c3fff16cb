-- Substring search (lower(name) LIKE '%term%') through a trigram index, when
-- the pg_trgm extension can be installed; without it, search still works by
-- scanning the table.
DO $$
BEGIN
    -- In public, so every schema's search path can use it.
    CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm unavailable (%); event search will scan the table', SQLERRM;
END $$;

DO $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm' AND extnamespace = 'public'::regnamespace
    ) THEN
        CREATE INDEX IF NOT EXISTS events_lower_name_trgm ON events USING gin (lower(name) public.gin_trgm_ops);
    END IF;
END $$;
