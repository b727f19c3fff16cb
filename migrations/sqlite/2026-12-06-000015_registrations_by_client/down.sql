DROP TABLE registrations_by_client;
