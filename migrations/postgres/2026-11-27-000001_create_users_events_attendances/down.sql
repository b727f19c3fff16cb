DROP TABLE attendances;
DROP TABLE events;
DROP TABLE users;
