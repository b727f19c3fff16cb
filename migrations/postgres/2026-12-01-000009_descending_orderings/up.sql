-- Descending sorts break ties by id ascending (as Django does); these
-- indexes serve them in order, at any number of events.
CREATE INDEX events_date_desc_id ON events (date DESC, id);
CREATE INDEX events_name_desc_id ON events (name DESC, id);
