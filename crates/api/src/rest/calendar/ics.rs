//! A small iCalendar (RFC 5545) writer: CRLF line ends, lines folded at 75
//! octets without splitting a character, and TEXT values escaped.

use chrono::{DateTime, NaiveDate, Utc};

/// The longest content line RFC 5545 allows, in octets, without its CRLF.
const MAX_LINE_OCTETS: usize = 75;

/// An iCalendar document being written.
pub(crate) struct Ics {
    out: String,
}

impl Ics {
    /// A `VCALENDAR` named `name`.
    pub(crate) fn calendar(name: &str) -> Self {
        let mut ics = Self { out: String::new() };
        ics.line("BEGIN:VCALENDAR");
        ics.line("VERSION:2.0");
        ics.line("PRODID:-//events-backend//Events//EN");
        // No METHOD: these are published calendars to subscribe to, not
        // iTIP messages (RFC 5546 would then forbid ATTENDEE lines).
        ics.line("CALSCALE:GREGORIAN");
        ics.text("X-WR-CALNAME", name);
        ics
    }

    /// Starts a component (`VEVENT`, `VALARM`).
    pub(crate) fn begin(&mut self, component: &str) {
        self.line(&format!("BEGIN:{component}"));
    }

    /// Ends a component.
    pub(crate) fn end(&mut self, component: &str) {
        self.line(&format!("END:{component}"));
    }

    /// A property whose value needs no escaping (numbers, dates, URIs,
    /// enumerations); `name` may carry parameters (`DTSTART;VALUE=DATE`).
    pub(crate) fn raw(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{value}"));
    }

    /// A TEXT property, escaped.
    pub(crate) fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape_text(value)));
    }

    /// A date-time in UTC (`19970714T173000Z`).
    pub(crate) fn utc(&mut self, name: &str, at: DateTime<Utc>) {
        self.raw(name, &utc(at));
    }

    /// An all-day date (`DTSTART;VALUE=DATE:19970714`).
    pub(crate) fn date(&mut self, name: &str, day: NaiveDate) {
        self.raw(
            &format!("{name};VALUE=DATE"),
            &day.format("%Y%m%d").to_string(),
        );
    }

    /// Closes the calendar and returns the document.
    pub(crate) fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.out
    }

    fn line(&mut self, content: &str) {
        fold_into(&mut self.out, content);
    }
}

/// A UTC date-time as RFC 5545 writes it.
pub(crate) fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A parameter value, quoted (it may then hold `:;,`); the one character a
/// quoted value cannot hold, `"`, is dropped.
pub(crate) fn param(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    format!("\"{clean}\"")
}

/// Escapes a TEXT value: backslash, semicolon, comma, and line breaks as `\n`.
pub(crate) fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters (but tab) are not allowed in TEXT.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `content` as one logical line: CRLF-terminated, folded so that
/// no physical line exceeds 75 octets (a continuation's leading space
/// counts), never inside a UTF-8 sequence.
fn fold_into(out: &mut String, content: &str) {
    let mut budget = MAX_LINE_OCTETS;
    let mut used = 0;
    for c in content.chars() {
        let width = c.len_utf8();
        if used + width > budget {
            out.push_str("\r\n ");
            // The leading space takes one octet of the next line.
            budget = MAX_LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn physical_lines(doc: &str) -> Vec<&str> {
        doc.split("\r\n").filter(|l| !l.is_empty()).collect()
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng"
        );
        assert_eq!(escape_text("bell\u{7}\tand tab"), "bell\tand tab");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let mut ics = Ics { out: String::new() };
        let name = "Ünïcødé ".repeat(30);
        ics.text("SUMMARY", &name);
        let doc = ics.out;
        assert!(doc.ends_with("\r\n"));
        assert!(!doc.replace("\r\n", "").contains('\n'), "only CRLF");
        let lines = physical_lines(&doc);
        assert!(lines.len() > 3, "{lines:?}");
        for (index, line) in lines.iter().enumerate() {
            assert!(line.len() <= 75, "{index}: {} octets", line.len());
            assert_eq!(index > 0, line.starts_with(' '), "{index}: {line:?}");
        }
        // Unfolding gives the line back.
        let unfolded = doc.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", escape_text(&name)));
    }

    #[test]
    fn a_line_of_exactly_75_octets_is_not_folded() {
        let mut ics = Ics { out: String::new() };
        ics.raw("X", &"y".repeat(73));
        assert_eq!(ics.out, format!("X:{}\r\n", "y".repeat(73)));
    }

    #[test]
    fn parameters_are_quoted() {
        assert_eq!(param("a:b;c,\"d\""), "\"a:b;c,d\"");
    }
}
