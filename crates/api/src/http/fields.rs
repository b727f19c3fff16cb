//! Reading and validating request fields with DRF's messages.

use chrono::NaiveDate;
use domain::ValidationError;
use serde_json::{Map, Value};

/// Field errors in DRF's shape: each field name maps to its messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Map<String, Value>);

impl FieldErrors {
    /// Adds a message to a field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let messages = self
            .0
            .entry(field.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = messages {
            list.push(Value::String(message.into()));
        }
    }

    /// The messages of one field.
    pub fn messages(&self, field: &str) -> Vec<String> {
        match self.0.get(field) {
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(|m| m.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether no field has an error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, else the errors.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// The JSON body.
    pub fn to_json(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

/// Accepts any text but the empty string (as DRF's CharField without
/// `allow_blank`; [`Form::text`] has trimmed it already).
pub fn not_blank(raw: &str) -> Result<String, ValidationError> {
    if raw.is_empty() {
        Err(ValidationError::Blank)
    } else {
        Ok(raw.to_owned())
    }
}

/// A request body's fields, read one by one; problems accumulate so the
/// client hears about every field at once.
pub struct Form<'a> {
    data: &'a Map<String, Value>,
    partial: bool,
    /// Problems found so far.
    pub errors: FieldErrors,
}

impl<'a> Form<'a> {
    /// Reads `data`; with `partial` (PATCH) absent fields are not an error.
    pub fn new(data: &'a Map<String, Value>, partial: bool) -> Self {
        Self {
            data,
            partial,
            errors: FieldErrors::default(),
        }
    }

    /// A text field, parsed by `parse`. `None` when absent (an error unless
    /// partial) or invalid (the error is recorded).
    pub fn text<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        let raw = self.present(name)?;
        let text = self.string_value(name, raw)?;
        // DRF's CharField trims surrounding whitespace before validating.
        self.check(name, parse(text.trim()))
    }

    /// An optional text field that may be blank; `None` when absent.
    pub fn optional_text(&mut self, name: &str, max_chars: usize) -> Option<String> {
        let raw = match self.data.get(name) {
            None => return None,
            Some(Value::Null) => {
                self.errors.add(name, ValidationError::Null.to_string());
                return None;
            }
            Some(raw) => raw,
        };
        let text = self.string_value(name, raw)?;
        let text = text.trim();
        if text.chars().count() > max_chars {
            self.errors.add(
                name,
                ValidationError::TooLong { max: max_chars }.to_string(),
            );
            return None;
        }
        Some(text.to_owned())
    }

    /// The text of a string or number; other JSON values, and text with
    /// NUL characters, are refused as DRF's CharField refuses them.
    fn string_value(&mut self, name: &str, raw: &Value) -> Option<String> {
        let text = match raw {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => {
                self.errors.add(name, "Not a valid string.");
                return None;
            }
        };
        if text.contains('\0') {
            self.errors.add(name, "Null characters are not allowed.");
            return None;
        }
        Some(text)
    }

    /// A `YYYY-MM-DD` date field.
    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        let raw = self.present(name)?;
        let parsed = match raw {
            Value::String(s) => domain::parse_date(s),
            _ => Err(ValidationError::DateFormat),
        };
        self.check(name, parsed)
    }

    /// A choice field, matched against the text of the value.
    pub fn choice<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        let raw = self.present(name)?;
        let text = match raw {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.check(name, parse(&text))
    }

    /// An optional field read by `parse` (which decides what `null` means);
    /// `None` when absent, or invalid (the error is recorded).
    pub fn optional<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&Value) -> Result<T, ValidationError>,
    ) -> Option<T> {
        let raw = self.data.get(name)?;
        self.check(name, parse(raw))
    }

    /// Records a problem with a field found by a check across fields.
    pub fn refuse(&mut self, name: &str, error: ValidationError) {
        self.errors.add(name, error.to_string());
    }

    /// The value of a field that is present and not null; records
    /// "required" or "may not be null" otherwise.
    fn present(&mut self, name: &str) -> Option<&'a Value> {
        match self.data.get(name) {
            None => {
                if !self.partial {
                    self.errors.add(name, ValidationError::Required.to_string());
                }
                None
            }
            Some(Value::Null) => {
                self.errors.add(name, ValidationError::Null.to_string());
                None
            }
            Some(value) => Some(value),
        }
    }

    fn check<T>(&mut self, name: &str, parsed: Result<T, ValidationError>) -> Option<T> {
        parsed
            .map_err(|err| self.errors.add(name, err.to_string()))
            .ok()
    }

    /// `Ok(())` when every field read so far was valid.
    pub fn finish(self) -> Result<(), FieldErrors> {
        self.errors.into_result()
    }

    /// The value `build` makes from the fields read, when all were valid.
    /// `build` returns `None` only if a field it needs is missing, which a
    /// recorded error always explains.
    pub fn finish_with<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, crate::ApiError> {
        self.errors.into_result()?;
        build().ok_or_else(|| {
            crate::ApiError::Internal("a field was missing without an error".to_owned())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn reports_every_field_with_drf_messages() {
        let body = data(json!({ "name": "  ", "date": 20240101, "status": null }));
        let mut form = Form::new(&body, false);
        assert_eq!(form.text("name", domain::EventName::parse), None);
        assert_eq!(form.date("date"), None);
        assert_eq!(
            form.choice("status", |s| s.parse::<domain::AttendanceStatus>()),
            None
        );
        assert_eq!(form.text("missing", domain::EventName::parse), None);
        assert_eq!(
            form.finish().map_err(|e| e.to_json()),
            Err(json!({
                "name": ["This field may not be blank."],
                "date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
                "status": ["This field may not be null."],
                "missing": ["This field is required."],
            }))
        );
    }

    #[test]
    fn partial_forms_skip_absent_fields_and_numbers_are_text() {
        let body = data(json!({ "name": 42 }));
        let mut form = Form::new(&body, true);
        assert_eq!(
            form.text("name", domain::EventName::parse)
                .map(|n| n.to_string()),
            Some("42".to_owned())
        );
        assert_eq!(form.date("date"), None);
        assert!(form.finish().is_ok());
    }

    #[test]
    fn non_text_values_are_not_strings() {
        let body = data(json!({ "name": ["a"], "first_name": true }));
        let mut form = Form::new(&body, false);
        form.text("name", domain::EventName::parse);
        form.optional_text("first_name", 150);
        assert_eq!(
            form.finish().map_err(|e| e.to_json()),
            Err(json!({ "name": ["Not a valid string."], "first_name": ["Not a valid string."] }))
        );
    }
}
