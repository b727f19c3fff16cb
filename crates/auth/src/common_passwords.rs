//! Django's `CommonPasswordValidator`: the 20,000 most common passwords
//! (Django's own list, shipped in `data/` with its licence), compared as
//! Django compares them, lower-cased and trimmed.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Django's list, one password a line.
const LIST: &str = include_str!("../data/common-passwords.txt");

fn passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        LIST.lines()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    })
}

/// Whether the password is one of the common ones.
pub fn is_common(password: &str) -> bool {
    passwords().contains(password.trim().to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_djangos_and_ignores_case_and_spaces() {
        assert!(passwords().len() > 19_000, "{}", passwords().len());
        assert!(is_common("password"));
        assert!(is_common("  PassWord "));
        assert!(is_common("qwerty"));
        assert!(!is_common("plum-tree-42-river"));
    }
}
