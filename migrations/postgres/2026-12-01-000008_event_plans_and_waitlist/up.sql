-- Events gain a time, a place and seats; attendances gain guests and a
-- place in the waitlist. Existing rows get the defaults: untimed, in UTC,
-- no seat limit, no guests, nobody waiting.
ALTER TABLE events
    ADD COLUMN description VARCHAR(5000) NOT NULL DEFAULT '',
    ADD COLUMN location VARCHAR(255) NOT NULL DEFAULT '',
    ADD COLUMN timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    ADD COLUMN starts_at TIMESTAMP,
    ADD COLUMN ends_at TIMESTAMP,
    ADD COLUMN capacity INTEGER CHECK (capacity >= 1),
    ADD COLUMN max_guests INTEGER NOT NULL DEFAULT 0 CHECK (max_guests BETWEEN 0 AND 20),
    ADD COLUMN rsvp_opens_at TIMESTAMP,
    ADD COLUMN rsvp_closes_at TIMESTAMP,
    ADD COLUMN cancelled BOOLEAN NOT NULL DEFAULT FALSE;

-- `waitlist_seq` orders an event's queue; it is set only on Going answers
-- without a seat, and a value is never held twice within an event.
ALTER TABLE attendances
    ADD COLUMN guests INTEGER NOT NULL DEFAULT 0 CHECK (guests BETWEEN 0 AND 20),
    ADD COLUMN waitlist_seq BIGINT CHECK (waitlist_seq IS NULL OR status = 'Going');

CREATE UNIQUE INDEX attendances_event_waitlist
    ON attendances (event_id, waitlist_seq) WHERE waitlist_seq IS NOT NULL;
