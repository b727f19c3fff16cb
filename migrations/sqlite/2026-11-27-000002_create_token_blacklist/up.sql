-- Refresh tokens that must never work again, until they expire anyway.
CREATE TABLE token_blacklist (
    jti TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    blacklisted_at TIMESTAMP NOT NULL
);

CREATE INDEX token_blacklist_expires_at ON token_blacklist (expires_at);
