-- SQLite searches by scanning with LIKE; nothing to add (kept so both
-- backends have the same migration history).
SELECT 1;
