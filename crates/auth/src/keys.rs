use sha2::{Digest, Sha512};

/// Derives a 64-byte key for one purpose (e.g. `"session"`) from the
/// server's secret, so each use gets an independent key and the secret
/// itself never signs anything directly.
pub fn derive_key(secret: &str, purpose: &str) -> [u8; 64] {
    let mut hasher = Sha512::new();
    hasher.update(purpose.as_bytes());
    hasher.update([0u8]);
    hasher.update(secret.as_bytes());
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_by_purpose_and_secret_and_are_stable() {
        assert_eq!(derive_key("s", "session"), derive_key("s", "session"));
        assert_ne!(derive_key("s", "session"), derive_key("s", "other"));
        assert_ne!(derive_key("s", "session"), derive_key("t", "session"));
    }
}
