-- Events gain a time, a place and seats; attendances gain guests and a
-- place in the waitlist. Existing rows get the defaults: untimed, in UTC,
-- no seat limit, no guests, nobody waiting.
ALTER TABLE events ADD COLUMN description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 5000);
ALTER TABLE events ADD COLUMN location TEXT NOT NULL DEFAULT '' CHECK (length(location) <= 255);
ALTER TABLE events ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE events ADD COLUMN starts_at TIMESTAMP;
ALTER TABLE events ADD COLUMN ends_at TIMESTAMP;
ALTER TABLE events ADD COLUMN capacity INTEGER CHECK (capacity >= 1);
ALTER TABLE events ADD COLUMN max_guests INTEGER NOT NULL DEFAULT 0 CHECK (max_guests BETWEEN 0 AND 20);
ALTER TABLE events ADD COLUMN rsvp_opens_at TIMESTAMP;
ALTER TABLE events ADD COLUMN rsvp_closes_at TIMESTAMP;
ALTER TABLE events ADD COLUMN cancelled BOOLEAN NOT NULL DEFAULT FALSE;

-- `waitlist_seq` orders an event's queue; it is set only on Going answers
-- without a seat, and a value is never held twice within an event.
ALTER TABLE attendances ADD COLUMN guests INTEGER NOT NULL DEFAULT 0 CHECK (guests BETWEEN 0 AND 20);
ALTER TABLE attendances ADD COLUMN waitlist_seq BIGINT CHECK (waitlist_seq IS NULL OR status = 'Going');

CREATE UNIQUE INDEX attendances_event_waitlist
    ON attendances (event_id, waitlist_seq) WHERE waitlist_seq IS NOT NULL;
