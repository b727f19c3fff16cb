use store::DbPool;

/// What handlers share: the database pool and the API's settings.
#[derive(Clone)]
pub struct ApiState {
    /// Connections to the database.
    pub pool: DbPool,
}

impl ApiState {
    /// State around an existing pool.
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}
