-- Registrations per client address, counted in the database so that every
-- server process shares one throttle (each costs a password hash).
CREATE TABLE registrations_by_client (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX registrations_by_client_client ON registrations_by_client (client, created_at);
CREATE INDEX registrations_by_client_created ON registrations_by_client (created_at);
