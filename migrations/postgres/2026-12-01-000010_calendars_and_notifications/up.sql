-- Calendars and notifications. Events count their calendar revisions;
-- users can turn notices off, rotate their calendar feed, and unsubscribe
-- from a mail in one click; each reminder is written once per attendee and
-- start time, however many workers scan.
ALTER TABLE events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

ALTER TABLE users
    ADD COLUMN email_notifications BOOLEAN NOT NULL DEFAULT TRUE,
    ADD COLUMN calendar_generation BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN calendar_token_hash VARCHAR(64) UNIQUE,
    ADD COLUMN unsubscribe_token VARCHAR(64) UNIQUE;

-- Every account has its token from the start, so that queuing a notice
-- never writes the users row (which would lock it against the foreign key
-- checks of concurrent notices).
UPDATE users SET unsubscribe_token =
    replace(CAST(gen_random_uuid() AS TEXT), '-', '')
    || replace(CAST(gen_random_uuid() AS TEXT), '-', '');

ALTER TABLE outbox ADD COLUMN unsubscribe_token VARCHAR(64);

CREATE TABLE reminders (
    event_id UUID NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id, starts_at)
);

-- The scheduler looks for timed events starting soon.
CREATE INDEX events_starts_at ON events (starts_at) WHERE starts_at IS NOT NULL;
