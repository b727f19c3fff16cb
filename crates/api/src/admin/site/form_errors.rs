//! The problems a posted form has, each tied to its field or to the whole
//! form, as Django's admin shows them.

use super::fields::Field;
use super::model::AdminModel;

/// Problems with a form: each tied to its field, or to the whole form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FormErrors {
    fields: Vec<(&'static str, String)>,
    general: Vec<String>,
}

impl FormErrors {
    /// One problem with `field`.
    pub(crate) fn on<M: AdminModel>(field: &Field<M>, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    /// Adds a problem with `field`.
    pub(crate) fn add<M: AdminModel>(&mut self, field: &Field<M>, message: impl Into<String>) {
        self.fields.push((field.name, message.into()));
    }

    /// Adds a problem with the whole form.
    pub(crate) fn add_general(&mut self, message: impl Into<String>) {
        self.general.push(message.into());
    }

    /// The problems with the field named `name`.
    pub(crate) fn of(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, m)| m.as_str())
            .collect()
    }

    /// Problems with the whole form, and with fields not among `shown`.
    pub(crate) fn general(&self, shown: &[&str]) -> Vec<&str> {
        let unshown = self
            .fields
            .iter()
            .filter(|(name, _)| !shown.contains(name))
            .map(|(_, m)| m.as_str());
        self.general
            .iter()
            .map(String::as_str)
            .chain(unshown)
            .collect()
    }

    /// Whether there is no problem.
    pub(crate) fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    /// `Ok(value)` when there is no problem.
    pub(crate) fn or_ok<T>(self, value: Option<T>) -> Result<T, Self> {
        match value {
            Some(value) if self.is_empty() => Ok(value),
            _ => Err(self),
        }
    }
}
