-- Server-side sessions: the cookie holds only a random key; logging out
-- deletes the row, so a copied cookie stops working. Keys are stored hashed.
CREATE TABLE sessions (
    key_hash TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- A blacklisted token outlives its user's account (simplejwt keeps such
-- entries), so the blacklist no longer references users.
CREATE TABLE token_blacklist_new (
    jti TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    blacklisted_at TIMESTAMP NOT NULL
);
INSERT INTO token_blacklist_new SELECT jti, user_id, expires_at, blacklisted_at FROM token_blacklist;
DROP TABLE token_blacklist;
ALTER TABLE token_blacklist_new RENAME TO token_blacklist;
CREATE INDEX token_blacklist_expires_at ON token_blacklist (expires_at);
