-- Timestamps are UTC, stored without a zone so both backends share one schema.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username VARCHAR(150) NOT NULL UNIQUE,
    first_name VARCHAR(150) NOT NULL DEFAULT '',
    last_name VARCHAR(150) NOT NULL DEFAULT '',
    email VARCHAR(254) NOT NULL DEFAULT '',
    password_hash VARCHAR(128) NOT NULL,
    is_staff BOOLEAN NOT NULL DEFAULT FALSE,
    is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    date_joined TIMESTAMP NOT NULL,
    last_login TIMESTAMP
);

CREATE TABLE events (
    id UUID PRIMARY KEY,
    organizer_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    name VARCHAR(100) NOT NULL CHECK (length(name) >= 1),
    date DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Listing orders by (date, id) or (name, id) and filters by organizer.
CREATE INDEX events_date_id ON events (date, id);
CREATE INDEX events_name_id ON events (name, id);
CREATE INDEX events_organizer_date_id ON events (organizer_id, date, id);

CREATE TABLE attendances (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id UUID NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    status VARCHAR(9) NOT NULL CHECK (status IN ('Going', 'Maybe', 'Not Going')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, event_id)
);

CREATE INDEX attendances_event_status ON attendances (event_id, status);
