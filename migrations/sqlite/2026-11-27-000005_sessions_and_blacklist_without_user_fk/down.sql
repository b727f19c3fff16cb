DROP TABLE sessions;

CREATE TABLE token_blacklist_old (
    jti TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    blacklisted_at TIMESTAMP NOT NULL
);
INSERT INTO token_blacklist_old
    SELECT jti, user_id, expires_at, blacklisted_at FROM token_blacklist
    WHERE user_id IN (SELECT id FROM users);
DROP TABLE token_blacklist;
ALTER TABLE token_blacklist_old RENAME TO token_blacklist;
CREATE INDEX token_blacklist_expires_at ON token_blacklist (expires_at);
