-- Unsubscribe tokens are no longer kept in clear. The mailer derives a
-- user's token from the server's secret when it sends a notice, and the
-- users row keeps only its SHA-256 (as for calendar feed tokens); a queued
-- notice names its recipient's account instead of carrying the token.
ALTER TABLE outbox ADD COLUMN unsubscribe_user_id INTEGER;
UPDATE outbox SET unsubscribe_user_id =
    (SELECT users.id FROM users WHERE users.unsubscribe_token = outbox.unsubscribe_token)
    WHERE unsubscribe_token IS NOT NULL;
ALTER TABLE outbox DROP COLUMN unsubscribe_token;

-- The tokens in clear go: links in mails sent before this no longer work,
-- and the next notice brings one that does.
DROP INDEX users_unsubscribe_token;
ALTER TABLE users RENAME COLUMN unsubscribe_token TO unsubscribe_token_hash;
UPDATE users SET unsubscribe_token_hash = NULL;
CREATE UNIQUE INDEX users_unsubscribe_token_hash ON users (unsubscribe_token_hash);
