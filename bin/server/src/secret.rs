//! The server's secret key, which must never be printed or logged.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use anyhow::Context;

/// A secret string; `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret's value, for the code that signs with it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for Secret {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().is_empty() {
            Err("the secret key must not be empty".to_owned())
        } else {
            Ok(Self(s.to_owned()))
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The fewest characters a configured key may have: HS256 tokens signed
/// with a short key can be brute-forced offline, then minted for anyone.
pub const MIN_KEY_CHARS: usize = 32;

/// The placeholder an older `docker-compose.yml` shipped: long enough, but
/// public.
const PLACEHOLDERS: &[&str] = &["change-me-to-a-long-random-string"];

/// How to make a good key, for the messages that refuse one.
const HOW_TO_MAKE_ONE: &str = "set it to 32 or more random characters, e.g. `openssl rand -hex 32`";

/// Refuses a configured key that is short or a published placeholder.
pub fn check_strength(secret: &Secret) -> anyhow::Result<()> {
    let key = secret.expose().trim();
    if PLACEHOLDERS.iter().any(|p| key.eq_ignore_ascii_case(p)) {
        anyhow::bail!("SECRET_KEY is the placeholder from docker-compose.yml: {HOW_TO_MAKE_ONE}");
    }
    let chars = key.chars().count();
    if chars < MIN_KEY_CHARS {
        anyhow::bail!("SECRET_KEY is too short ({chars} characters): {HOW_TO_MAKE_ONE}");
    }
    Ok(())
}

/// The configured secret (refused when weak), or the development one kept in `file`, created
/// with fresh randomness on first use.
pub fn resolve(configured: Option<&Secret>, file: &Path) -> anyhow::Result<Secret> {
    if let Some(secret) = configured {
        check_strength(secret)?;
        return Ok(secret.clone());
    }
    tracing::warn!(file = %file.display(), "SECRET_KEY is not set; using a generated key kept in a file (set SECRET_KEY in production)");
    match std::fs::read_to_string(file) {
        Ok(existing) if !existing.trim().is_empty() => {
            return Ok(Secret(existing.trim().to_owned()))
        }
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", file.display())),
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no system randomness: {e}"))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(file, &secret).with_context(|| format!("cannot write {}", file.display()))?;
    Ok(Secret(secret))
}

fn write_private(file: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(file)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let secret: Secret = "hunter2".parse().expect("non-empty");
        assert_eq!(format!("{secret} {secret:?}"), "*** Secret(***)");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn generated_key_is_kept_and_reused() {
        let dir = std::env::temp_dir().join(format!("secret-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join(".secret_key");
        let first = resolve(None, &file).expect("generated");
        assert_eq!(first.expose().len(), 64);
        let second = resolve(None, &file).expect("read back");
        assert_eq!(first, second);
        let configured: Secret = "from-env-0123456789abcdef-0123456789"
            .parse()
            .expect("non-empty");
        assert_eq!(
            resolve(Some(&configured), &file).expect("configured"),
            configured
        );
        std::fs::remove_dir_all(dir).expect("cleanup");
    }

    #[test]
    fn short_and_placeholder_keys_are_refused() {
        let check = |key: &str| check_strength(&key.parse().expect("non-empty"));
        assert!(check(&"k".repeat(31)).is_err());
        assert!(check(&"k".repeat(32)).is_ok());
        assert!(check("change-me-to-a-long-random-string").is_err());
    }
}
