-- What staff changed in the admin site (Django's admin log).
CREATE TABLE admin_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action_time TIMESTAMP NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('add', 'change', 'delete')),
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    object_repr TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT ''
);

CREATE INDEX admin_actions_time ON admin_actions (action_time);
