//! Search terms as LIKE patterns, shared by the listings that search.

/// One `%term%` pattern per term of `search`: terms are separated by
/// whitespace or any of `separators`, NUL characters are dropped, and `%`,
/// `_` and backslash match themselves (backslash is the patterns' escape).
pub(crate) fn like_patterns(search: Option<&str>, separators: &[char]) -> Vec<String> {
    terms(search, separators)
        .iter()
        .map(|term| like_pattern(term))
        .collect()
}

/// The most terms of one search that are used; the rest are ignored, since
/// each adds a condition and SQLite refuses a very deep expression tree.
pub(crate) const MAX_TERMS: usize = 10;

/// The first [`MAX_TERMS`] terms of `search`, separated by whitespace or
/// any of `separators`, without NUL characters.
pub(crate) fn terms(search: Option<&str>, separators: &[char]) -> Vec<String> {
    search
        .unwrap_or_default()
        .replace('\0', "")
        .split(|c: char| c.is_whitespace() || separators.contains(&c))
        .filter(|term| !term.is_empty())
        .take(MAX_TERMS)
        .map(str::to_owned)
        .collect()
}

/// `%term%`, with LIKE's metacharacters matching themselves.
pub(crate) fn like_pattern(term: &str) -> String {
    format!("%{}%", escape_like(term))
}

/// The shortest term a trigram index can find: shorter ones are scanned for.
pub(crate) const TRIGRAM: usize = 3;

/// An FTS5 query that every term (each [`TRIGRAM`] characters or more)
/// must match as a substring: each is a quoted phrase (quotes doubled), and
/// phrases side by side must all match.
pub(crate) fn trigram_query(terms: &[&str]) -> String {
    terms
        .iter()
        .map(|term| format!("\"{}\"", term.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
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
    fn trigram_queries_quote_every_term() {
        assert_eq!(
            trigram_query(&["jazz", r#"say "hi""#]),
            r#""jazz" "say ""hi""""#
        );
    }

    #[test]
    fn terms_split_on_whitespace_and_the_separators_given() {
        assert_eq!(
            like_patterns(Some(" jazz,\0blues  night"), &[',']),
            ["%jazz%", "%blues%", "%night%"]
        );
        assert_eq!(like_patterns(Some("a,b"), &[]), ["%a,b%"]);
        assert!(like_patterns(None, &[]).is_empty());
        assert_eq!(terms(Some(&"a ".repeat(999)), &[]).len(), MAX_TERMS);
    }
}
