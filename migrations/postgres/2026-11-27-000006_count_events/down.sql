DROP TRIGGER events_counted_on_delete ON events;
DROP TRIGGER events_counted_on_insert ON events;
DROP FUNCTION count_deleted_events();
DROP FUNCTION count_inserted_events();
DROP TABLE row_counts;
