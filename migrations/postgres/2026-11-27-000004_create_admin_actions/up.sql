-- What staff changed in the admin site (Django's admin log).
CREATE TABLE admin_actions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action_time TIMESTAMP NOT NULL,
    action VARCHAR(6) NOT NULL CHECK (action IN ('add', 'change', 'delete')),
    object_type VARCHAR(50) NOT NULL,
    object_id VARCHAR(64) NOT NULL,
    object_repr VARCHAR(200) NOT NULL,
    message TEXT NOT NULL DEFAULT ''
);

CREATE INDEX admin_actions_time ON admin_actions (action_time);
