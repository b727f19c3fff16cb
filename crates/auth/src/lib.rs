//! Authentication and authorization for the event backend.
//!
//! Everything here is synchronous; bcrypt is deliberately slow, so callers
//! on an async executor run [`hash_password`] and [`verify_password`] on a
//! blocking thread pool.

mod password;

pub use password::{
    hash_password, validate_password, verify_password, PasswordError, UserAttributes,
    DEFAULT_BCRYPT_COST,
};
