//! The database as a mechanism: URLs and connections, the pool, write
//! transactions, the queue that takes writes together, the SQLite log's
//! checkpoints, migrations and errors. Nothing here knows an event, an
//! answer or a user: the repositories build on it.

pub(crate) mod batch;
pub(crate) mod connection;
pub(crate) mod error;
pub(crate) mod migrate;
pub(crate) mod pool;
pub(crate) mod suspicion;
pub(crate) mod tx;
pub(crate) mod wal;
pub(crate) mod write_group;
