-- Server-side sessions: the cookie holds only a random key; logging out
-- deletes the row, so a copied cookie stops working. Keys are stored hashed.
CREATE TABLE sessions (
    key_hash VARCHAR(64) PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- A blacklisted token outlives its user's account (simplejwt keeps such
-- entries), so the blacklist no longer references users.
ALTER TABLE token_blacklist DROP CONSTRAINT token_blacklist_user_id_fkey;
