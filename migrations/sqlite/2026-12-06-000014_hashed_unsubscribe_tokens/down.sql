DROP INDEX users_unsubscribe_token_hash;
ALTER TABLE users RENAME COLUMN unsubscribe_token_hash TO unsubscribe_token;
UPDATE users SET unsubscribe_token = lower(hex(randomblob(32)));
CREATE UNIQUE INDEX users_unsubscribe_token ON users (unsubscribe_token);

ALTER TABLE outbox ADD COLUMN unsubscribe_token TEXT;
UPDATE outbox SET unsubscribe_token =
    (SELECT users.unsubscribe_token FROM users WHERE users.id = outbox.unsubscribe_user_id)
    WHERE unsubscribe_user_id IS NOT NULL;
ALTER TABLE outbox DROP COLUMN unsubscribe_user_id;
