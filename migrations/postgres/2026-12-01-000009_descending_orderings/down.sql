DROP INDEX events_name_desc_id;
DROP INDEX events_date_desc_id;
