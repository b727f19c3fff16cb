//! Posted forms: the CSRF check, the values as typed, and reading them into
//! typed values with Django's messages (gathered in `form_errors.rs`).

use std::collections::HashMap;
use std::str::FromStr;

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest};
use chrono::NaiveDate;
use domain::ValidationError;
use serde_json::{Map, Value};

use super::fields::{Field, Widget};
pub(crate) use super::form_errors::FormErrors;
use super::model::AdminModel;
use crate::admin::AdminError;
use crate::http::identity::CSRF_COOKIE;

/// The name of the hidden CSRF field (Django's).
pub(crate) const CSRF_FIELD: &str = "csrfmiddlewaretoken";

/// Django's message for a choice that is not offered.
pub(crate) const INVALID_CHOICE: &str =
    "Select a valid choice. That choice is not one of the available choices.";

/// A posted form.
pub(crate) struct Posted {
    pairs: Vec<(String, String)>,
}

impl Posted {
    /// Reads an urlencoded body and checks, as Django does, that it came
    /// from a page of this site (or a trusted origin) and that its CSRF
    /// token matches the cookie.
    pub(crate) fn read(req: &HttpRequest, body: &web::Bytes) -> Result<Self, AdminError> {
        if let Some(reason) = crate::http::origin_check::cross_site_reason(req) {
            return Err(AdminError::Forbidden(format!("CSRF Failed: {reason}")));
        }
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let posted = Self { pairs };
        let cookie = req.cookie(CSRF_COOKIE);
        let token = posted.get(CSRF_FIELD).unwrap_or_default();
        match cookie {
            Some(cookie) if auth::secrets_match(token, cookie.value()) => Ok(posted),
            _ => Err(AdminError::Forbidden(
                "CSRF verification failed. Request aborted. Reload the form and submit it again."
                    .to_owned(),
            )),
        }
    }

    /// The last value of a field.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a field, in order (e.g. the ticked rows of a list).
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The fields as the API's form reader takes them.
    pub(crate) fn fields(&self) -> Map<String, Value> {
        self.pairs
            .iter()
            .filter(|(k, _)| k != CSRF_FIELD)
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect()
    }

    /// The form's values: the last of each field, the CSRF token left out.
    pub(crate) fn values(&self) -> FormValues {
        let mut values = FormValues::default();
        for (key, value) in self.pairs.iter().filter(|(k, _)| k != CSRF_FIELD) {
            values.0.insert(key.clone(), value.clone());
        }
        values
    }
}

/// A form's values as typed (or as stored, for a form not yet posted).
#[derive(Debug, Clone, Default)]
pub(crate) struct FormValues(HashMap<String, String>);

impl FormValues {
    /// The values `fields` show for a stored object.
    pub(crate) fn stored<M: AdminModel>(fields: &[&Field<M>], object: &M::Object) -> Self {
        Self(
            fields
                .iter()
                .map(|field| (field.name.to_owned(), (field.stored)(object)))
                .collect(),
        )
    }

    /// Sets a field's value.
    pub(crate) fn set<M: AdminModel>(&mut self, field: &Field<M>, value: impl Into<String>) {
        self.0.insert(field.name.to_owned(), value.into());
    }

    /// The value of the field named `name`, or "" when absent.
    pub(crate) fn raw(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    /// The value of `field`, if it was posted at all.
    pub(crate) fn get<M: AdminModel>(&self, field: &Field<M>) -> Option<&str> {
        self.0.get(field.name).map(String::as_str)
    }

    /// A tick box: present and not empty means ticked.
    pub(crate) fn checked<M: AdminModel>(&self, field: &Field<M>) -> bool {
        self.get(field).is_some_and(|v| !v.is_empty())
    }
}

/// Reads a form's fields into typed values, gathering every problem.
pub(crate) struct Reader<'a> {
    values: &'a FormValues,
    /// The problems found so far.
    pub errors: FormErrors,
}

impl<'a> Reader<'a> {
    /// Reads `values`.
    pub(crate) fn new(values: &'a FormValues) -> Self {
        Self {
            values,
            errors: FormErrors::default(),
        }
    }

    /// The field's text, trimmed, refusing NUL characters; `None` (with
    /// "required") when the field was not posted.
    fn text_of<M: AdminModel>(&mut self, field: &Field<M>) -> Option<&'a str> {
        let Some(raw) = self.values.get(field) else {
            self.errors
                .add(field, ValidationError::Required.to_string());
            return None;
        };
        if raw.contains('\0') {
            self.errors.add(field, "Null characters are not allowed.");
            return None;
        }
        Some(raw.trim())
    }

    /// A text field parsed by `parse` (which decides whether blank is allowed).
    pub(crate) fn text<M: AdminModel, T>(
        &mut self,
        field: &Field<M>,
        parse: impl FnOnce(&str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        let text = self.text_of(field)?;
        parse(text)
            .map_err(|e| self.errors.add(field, e.to_string()))
            .ok()
    }

    /// A text field that may be blank or absent, at most as long as its
    /// widget allows.
    pub(crate) fn optional_text<M: AdminModel>(&mut self, field: &Field<M>) -> Option<String> {
        let max = match field.widget {
            Widget::Text { max_length } | Widget::TextArea { max_length } => max_length,
            _ => usize::MAX,
        };
        if self.values.get(field).is_none() {
            return Some(String::new());
        }
        let text = self.text_of(field)?;
        if text.chars().count() > max {
            self.errors
                .add(field, ValidationError::TooLong { max }.to_string());
            return None;
        }
        Some(text.to_owned())
    }

    /// An optional email address: blank means none.
    pub(crate) fn optional_email<M: AdminModel>(
        &mut self,
        field: &Field<M>,
    ) -> Option<Option<domain::Email>> {
        if self.values.get(field).is_none_or(|v| v.trim().is_empty()) {
            return Some(None);
        }
        self.text(field, domain::Email::parse).map(Some)
    }

    /// A `YYYY-MM-DD` date.
    pub(crate) fn date<M: AdminModel>(&mut self, field: &Field<M>) -> Option<NaiveDate> {
        self.text(field, domain::parse_date)
    }

    /// One of a select's choices: blank is "required", and `parse` says
    /// what else is wrong with it.
    pub(crate) fn choice<M: AdminModel, T>(
        &mut self,
        field: &Field<M>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.text_of(field)? {
            "" => {
                self.errors
                    .add(field, ValidationError::Required.to_string());
                None
            }
            raw => parse(raw).map_err(|e| self.errors.add(field, e)).ok(),
        }
    }

    /// A select of rows by id: blank is "required", an id that does not
    /// parse is not a valid choice. (Whether the row exists is for the
    /// save, in its transaction, to check.)
    pub(crate) fn id_choice<M: AdminModel, T: FromStr>(&mut self, field: &Field<M>) -> Option<T> {
        self.choice(field, |raw| {
            raw.parse().map_err(|_| INVALID_CHOICE.to_owned())
        })
    }

    /// An optional select of rows by id: blank means none.
    pub(crate) fn optional_id_choice<M: AdminModel, T: FromStr>(
        &mut self,
        field: &Field<M>,
    ) -> Option<Option<T>> {
        if self.values.get(field).is_none_or(|v| v.trim().is_empty()) {
            return Some(None);
        }
        self.id_choice(field).map(Some)
    }

    /// A whole number within the widget's bounds; blank means none.
    pub(crate) fn optional_number<M: AdminModel>(
        &mut self,
        field: &Field<M>,
    ) -> Option<Option<i64>> {
        if self.values.get(field).is_none_or(|v| v.trim().is_empty()) {
            return Some(None);
        }
        let (min, max) = match field.widget {
            Widget::Number { min, max } => (min, max),
            _ => (i64::MIN, i64::MAX),
        };
        self.text(field, |raw| match raw.parse::<i64>() {
            Err(_) => Err(ValidationError::NotAnInteger),
            Ok(n) if n < min => Err(ValidationError::TooSmall { min }),
            Ok(n) if n > max => Err(ValidationError::TooLarge { max }),
            Ok(n) => Ok(n),
        })
        .map(Some)
    }

    /// An RFC 3339 date-time; blank means none.
    pub(crate) fn optional_date_time<M: AdminModel>(
        &mut self,
        field: &Field<M>,
    ) -> Option<Option<chrono::DateTime<chrono::Utc>>> {
        if self.values.get(field).is_none_or(|v| v.trim().is_empty()) {
            return Some(None);
        }
        self.text(field, domain::parse_date_time).map(Some)
    }

    /// A tick box.
    pub(crate) fn checked<M: AdminModel>(&self, field: &Field<M>) -> bool {
        self.values.checked(field)
    }
}

/// The CSRF token for a page's forms, and the cookie to set when the
/// browser has none yet.
pub(crate) fn csrf_token(req: &HttpRequest, secure: bool) -> (String, Option<Cookie<'static>>) {
    match req.cookie(CSRF_COOKIE) {
        Some(cookie) if !cookie.value().is_empty() => (cookie.value().to_owned(), None),
        _ => {
            let token = auth::new_csrf_token();
            let cookie = Cookie::build(CSRF_COOKIE, token.clone())
                .path("/")
                .same_site(SameSite::Lax)
                .secure(secure)
                .max_age(CookieDuration::days(365))
                .finish();
            (token, Some(cookie))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::models::events::Events;
    use crate::admin::site::fields::Widget;

    static TITLE: Field<Events> =
        Field::<Events>::new("title", "Title", Widget::Text { max_length: 5 }, |_| {
            String::new()
        });
    static PICK: Field<Events> =
        Field::<Events>::new("pick", "Pick", Widget::Checkbox, |_| String::new());

    fn values(pairs: &[(&str, &str)]) -> FormValues {
        let mut values = FormValues::default();
        for (key, value) in pairs {
            values.0.insert((*key).to_owned(), (*value).to_owned());
        }
        values
    }

    #[test]
    fn readers_use_djangos_messages() {
        let posted = values(&[("title", "  x\0 "), ("pick", "")]);
        let mut form = Reader::new(&posted);
        assert_eq!(form.text(&TITLE, |t| Ok(t.to_owned())), None);
        assert_eq!(
            form.errors.of("title"),
            ["Null characters are not allowed."]
        );
        assert!(!form.checked(&PICK), "an empty value is not ticked");

        let absent = values(&[]);
        let mut form = Reader::new(&absent);
        assert_eq!(form.id_choice::<_, i64>(&TITLE), None);
        assert_eq!(form.errors.of("title"), ["This field is required."]);
        assert_eq!(form.optional_text(&TITLE), Some(String::new()));
        assert_eq!(form.optional_id_choice::<_, i64>(&PICK), Some(None));

        let bad = values(&[("title", " 12x ")]);
        let mut form = Reader::new(&bad);
        assert_eq!(form.id_choice::<_, i64>(&TITLE), None);
        assert_eq!(form.errors.of("title"), [INVALID_CHOICE]);
        let long = values(&[("title", "123456")]);
        let mut form = Reader::new(&long);
        assert_eq!(
            form.optional_text(&TITLE),
            None,
            "longer than the widget's 5"
        );
        assert_eq!(
            form.errors.of("title"),
            ["Ensure this field has no more than 5 characters."]
        );
    }

    #[test]
    fn errors_of_fields_not_shown_are_shown_with_the_form() {
        let mut errors = FormErrors::on(&TITLE, "bad title");
        errors.add(&PICK, "bad pick");
        errors.add_general("bad form");
        assert_eq!(errors.general(&["title"]), ["bad form", "bad pick"]);
        assert_eq!(errors.of("title"), ["bad title"]);
        assert_eq!(errors.clone().or_ok(Some(1)), Err(errors));
        assert_eq!(FormErrors::default().or_ok(Some(1)), Ok(1));
        assert!(FormErrors::default().or_ok::<i32>(None).is_err());
    }
}
