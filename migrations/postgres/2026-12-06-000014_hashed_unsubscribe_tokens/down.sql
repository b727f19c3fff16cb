ALTER TABLE users RENAME COLUMN unsubscribe_token_hash TO unsubscribe_token;
UPDATE users SET unsubscribe_token =
    replace(CAST(gen_random_uuid() AS TEXT), '-', '')
    || replace(CAST(gen_random_uuid() AS TEXT), '-', '');

ALTER TABLE outbox ADD COLUMN unsubscribe_token VARCHAR(64);
UPDATE outbox SET unsubscribe_token =
    (SELECT users.unsubscribe_token FROM users WHERE users.id = outbox.unsubscribe_user_id)
    WHERE unsubscribe_user_id IS NOT NULL;
ALTER TABLE outbox DROP COLUMN unsubscribe_user_id;
