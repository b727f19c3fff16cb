DROP TABLE sessions;
DELETE FROM token_blacklist WHERE user_id NOT IN (SELECT id FROM users);
ALTER TABLE token_blacklist
    ADD CONSTRAINT token_blacklist_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
