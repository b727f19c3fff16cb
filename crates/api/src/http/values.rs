//! Readers of single JSON (or form) values for the typed fields DRF has:
//! integers, booleans and date-times, nullable or not. Form posts carry
//! every value as text, so text is read as DRF reads it.

use chrono::{DateTime, Utc};
use domain::ValidationError;
use serde_json::Value;

/// An integer, as a JSON number or as text (`"5"`).
pub fn integer(raw: &Value) -> Result<i64, ValidationError> {
    match raw {
        Value::Number(n) => n.as_i64().ok_or(ValidationError::NotAnInteger),
        Value::String(s) => s.trim().parse().map_err(|_| ValidationError::NotAnInteger),
        Value::Null => Err(ValidationError::Null),
        _ => Err(ValidationError::NotAnInteger),
    }
}

/// An integer or `null` (an empty form value is `null`, as DRF reads it).
pub fn integer_or_null(raw: &Value) -> Result<Option<i64>, ValidationError> {
    match raw {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        other => integer(other).map(Some),
    }
}

/// A boolean: JSON `true`/`false`, or DRF's spellings in text (`true`,
/// `false`, `1`, `0`, `yes`, `no`, `on`, `off`, any case).
pub fn boolean(raw: &Value) -> Result<bool, ValidationError> {
    match raw {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Ok(true),
            Some(0) => Ok(false),
            _ => Err(ValidationError::NotABoolean),
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" | "y" | "t" => Ok(true),
            "false" | "0" | "no" | "off" | "n" | "f" => Ok(false),
            _ => Err(ValidationError::NotABoolean),
        },
        Value::Null => Err(ValidationError::Null),
        _ => Err(ValidationError::NotABoolean),
    }
}

/// An RFC 3339 date-time (any offset or `Z`), or `null`.
pub fn date_time_or_null(raw: &Value) -> Result<Option<DateTime<Utc>>, ValidationError> {
    match raw {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => domain::parse_date_time(s).map(Some),
        _ => Err(ValidationError::DateTimeFormat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_come_as_numbers_or_text() {
        assert_eq!(integer(&json!(5)), Ok(5));
        assert_eq!(integer(&json!(" 7 ")), Ok(7));
        assert_eq!(integer(&json!(2.5)), Err(ValidationError::NotAnInteger));
        assert_eq!(integer(&json!("x")), Err(ValidationError::NotAnInteger));
        assert_eq!(integer_or_null(&json!(null)), Ok(None));
        assert_eq!(integer_or_null(&json!("")), Ok(None));
    }

    #[test]
    fn booleans_take_drfs_spellings() {
        assert_eq!(boolean(&json!(true)), Ok(true));
        assert_eq!(boolean(&json!("False")), Ok(false));
        assert_eq!(boolean(&json!("on")), Ok(true));
        assert_eq!(boolean(&json!(0)), Ok(false));
        assert_eq!(boolean(&json!("maybe")), Err(ValidationError::NotABoolean));
    }

    #[test]
    fn date_times_need_rfc_3339() {
        assert!(date_time_or_null(&json!("2030-05-04T18:00:00+02:00")).is_ok_and(|t| t.is_some()));
        assert_eq!(date_time_or_null(&json!(null)), Ok(None));
        assert_eq!(
            date_time_or_null(&json!("tomorrow")),
            Err(ValidationError::DateTimeFormat)
        );
        assert_eq!(
            date_time_or_null(&json!(5)),
            Err(ValidationError::DateTimeFormat)
        );
    }
}
