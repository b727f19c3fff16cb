DROP TABLE token_blacklist;
