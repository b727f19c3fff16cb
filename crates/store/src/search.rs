//! Search terms as LIKE patterns, shared by the listings that search.

/// One `%term%` pattern per term of `search`: terms are separated by
/// whitespace or any of `separators`, NUL characters are dropped, and `%`,
/// `_` and backslash match themselves (backslash is the patterns' escape).
pub(crate) fn like_patterns(search: Option<&str>, separators: &[char]) -> Vec<String> {
    search
        .unwrap_or_default()
        .replace('\0', "")
        .split(|c: char| c.is_whitespace() || separators.contains(&c))
        .filter(|term| !term.is_empty())
        .map(|term| format!("%{}%", escape_like(term)))
        .collect()
}

/// Makes `%`, `_` and `\` in user input match themselves in a LIKE pattern.
fn escape_like(raw: &str) -> String {
    let mut escaped = String::with_capacity(raw.len());
    for c in raw.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(escape_like(r"50%_off\"), r"50\%\_off\\");
    }

    #[test]
    fn terms_split_on_whitespace_and_the_separators_given() {
        assert_eq!(
            like_patterns(Some(" jazz,\0blues  night"), &[',']),
            ["%jazz%", "%blues%", "%night%"]
        );
        assert_eq!(like_patterns(Some("a,b"), &[]), ["%a,b%"]);
        assert!(like_patterns(None, &[]).is_empty());
    }
}
