-- Calendars and notifications. Events count their calendar revisions;
-- users can turn notices off, rotate their calendar feed, and unsubscribe
-- from a mail in one click; each reminder is written once per attendee and
-- start time, however many workers scan.
ALTER TABLE events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

ALTER TABLE users ADD COLUMN email_notifications BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN calendar_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN calendar_token_hash TEXT;
CREATE UNIQUE INDEX users_calendar_token_hash ON users (calendar_token_hash);
-- SQLite cannot add a UNIQUE column; the unique index does the same.
ALTER TABLE users ADD COLUMN unsubscribe_token TEXT;
CREATE UNIQUE INDEX users_unsubscribe_token ON users (unsubscribe_token);

-- Every account has its token from the start, so that queuing a notice
-- never has to write the users row.
UPDATE users SET unsubscribe_token = lower(hex(randomblob(32)));

ALTER TABLE outbox ADD COLUMN unsubscribe_token TEXT;

CREATE TABLE reminders (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id, starts_at)
);

-- The scheduler looks for timed events starting soon.
CREATE INDEX events_starts_at ON events (starts_at) WHERE starts_at IS NOT NULL;
