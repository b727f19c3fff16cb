DROP INDEX events_starts_at;
DROP TABLE reminders;
ALTER TABLE outbox DROP COLUMN unsubscribe_token;
ALTER TABLE users
    DROP COLUMN unsubscribe_token,
    DROP COLUMN calendar_token_hash,
    DROP COLUMN calendar_generation,
    DROP COLUMN email_notifications;
ALTER TABLE events DROP COLUMN sequence;
