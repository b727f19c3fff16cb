-- SQLite gains a trigram index for name search in this migration; the
-- PostgreSQL one has existed since 000007 (kept so both backends have the
-- same migration history).
SELECT 1;
