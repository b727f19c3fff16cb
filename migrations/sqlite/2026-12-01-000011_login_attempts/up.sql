-- Login attempts per client address, counted in the database so that every
-- server process shares one throttle. A row is a failed attempt, or one in
-- flight (counted, so concurrent guesses cannot pass the limit); a
-- successful attempt deletes its row.
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    failed BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX login_attempts_client ON login_attempts (client, started_at);
CREATE INDEX login_attempts_started ON login_attempts (started_at);
