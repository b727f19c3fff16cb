DROP INDEX attendances_event_waitlist;
ALTER TABLE attendances DROP COLUMN waitlist_seq, DROP COLUMN guests;
ALTER TABLE events
    DROP COLUMN cancelled, DROP COLUMN rsvp_closes_at, DROP COLUMN rsvp_opens_at,
    DROP COLUMN max_guests, DROP COLUMN capacity, DROP COLUMN ends_at, DROP COLUMN starts_at,
    DROP COLUMN timezone, DROP COLUMN location, DROP COLUMN description;
