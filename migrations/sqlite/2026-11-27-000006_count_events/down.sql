DROP TRIGGER events_counted_on_delete;
DROP TRIGGER events_counted_on_insert;
DROP TABLE row_counts;
