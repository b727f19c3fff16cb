//! Log output: `RUST_LOG` filters, `LOG_FORMAT` picks human or JSON lines.

use std::borrow::Cow;
use std::fmt;
use std::io::IsTerminal;

use tracing::field::Field;
use tracing_subscriber::field::MakeExt;
use tracing_subscriber::fmt::format::{debug_fn, Writer};
use tracing_subscriber::EnvFilter;

use crate::settings::LogFormat;

/// Installs the global log subscriber (once; later calls do nothing).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    // A second initialisation (tests building several apps) is harmless.
    let _ = match format {
        // Values are written with their control characters escaped: a
        // value holding CR/LF (an event name, say) must not forge a line.
        LogFormat::Pretty => builder
            .fmt_fields(debug_fn(write_field).delimited(" "))
            .try_init(),
        // JSON escapes control characters itself.
        LogFormat::Json => builder.json().try_init(),
    };
}

/// One field of a pretty line: `name=value`, the message bare.
fn write_field(writer: &mut Writer<'_>, field: &Field, value: &dyn fmt::Debug) -> fmt::Result {
    let text = format!("{value:?}");
    let text = escape_controls(&text);
    if field.name() == "message" {
        write!(writer, "{text}")
    } else {
        write!(writer, "{}={text}", field.name())
    }
}

/// `text` with each control character (CR, LF, ESC, ...) written as its
/// Rust escape (`\r`, `\n`, `\u{1b}`).
fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            escape_controls("a\r\nb\u{1b}[31m\té"),
            "a\\r\\nb\\u{1b}[31m\\té"
        );
        assert!(matches!(escape_controls("plain é"), Cow::Borrowed(_)));
    }
}
