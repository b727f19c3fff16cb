//! Form fields: declared once per model, rendered with their label, help
//! and errors tied to the control (`aria-describedby`).

use maud::{html, Markup};
use store::{DbConnection, StoreResult};

use super::forms::{FormErrors, FormValues};
use super::model::AdminModel;

/// A choice of a select or a filter: its value and its label.
pub(crate) type Choice = (String, String);

/// Where a select's choices come from: a loader given the value chosen now,
/// which it must always offer (so editing never loses a choice).
#[derive(Clone, Copy)]
pub(crate) struct Choices(pub fn(&mut DbConnection, Option<&str>) -> StoreResult<Vec<Choice>>);

/// How a field is entered.
#[derive(Clone, Copy)]
pub(crate) enum Widget {
    /// One line of text, at most this many characters.
    Text { max_length: usize },
    /// Lines of text, at most this many characters.
    TextArea { max_length: usize },
    /// A whole number from `min` to `max`.
    Number { min: i64, max: i64 },
    /// An RFC 3339 date-time with its offset.
    DateTime,
    /// An email address.
    Email,
    /// A password (never shown back).
    Password,
    /// A `YYYY-MM-DD` date.
    Date,
    /// A tick box.
    Checkbox,
    /// One of the choices.
    Select(Choices),
}

/// A form field of model `M`.
pub(crate) struct Field<M: AdminModel> {
    /// The form key.
    pub name: &'static str,
    /// The label (its lower case names the field in the change log).
    pub label: &'static str,
    /// How it is entered.
    pub widget: Widget,
    /// Whether it must be filled in.
    pub required: bool,
    /// Help shown under the control.
    pub help: Option<&'static str>,
    /// The stored value, as the form shows it.
    pub stored: fn(&M::Object) -> String,
}

impl<M: AdminModel> Field<M> {
    /// An optional field without help text.
    pub(crate) const fn new(
        name: &'static str,
        label: &'static str,
        widget: Widget,
        stored: fn(&M::Object) -> String,
    ) -> Self {
        Self {
            name,
            label,
            widget,
            required: false,
            help: None,
            stored,
        }
    }

    /// The same field, required.
    pub(crate) const fn required(self) -> Self {
        Self {
            required: true,
            ..self
        }
    }

    /// The same field, with help text.
    pub(crate) const fn help(self, help: &'static str) -> Self {
        Self {
            help: Some(help),
            ..self
        }
    }

    /// The control's id.
    pub(crate) fn id(&self) -> String {
        format!("id_{}", self.name)
    }

    /// Its select choices, if it is a select: loaded with the value chosen now.
    pub(crate) fn load_choices(
        &self,
        conn: &mut DbConnection,
        values: &FormValues,
    ) -> StoreResult<Option<Vec<Choice>>> {
        match self.widget {
            Widget::Select(Choices(load)) => {
                let chosen = Some(values.raw(self.name)).filter(|v| !v.is_empty());
                load(conn, chosen).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The field's row: label, control, help and errors.
    pub(crate) fn render(
        &self,
        values: &FormValues,
        errors: &FormErrors,
        choices: Option<&[Choice]>,
    ) -> Markup {
        let id = self.id();
        let messages = errors.of(self.name);
        let help_id = format!("{id}-help");
        let errors_id = format!("{id}-errors");
        let described: Vec<&str> = [
            self.help.map(|_| help_id.as_str()),
            (!messages.is_empty()).then_some(errors_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let described = (!described.is_empty()).then(|| described.join(" "));
        let value = values.raw(self.name);
        let control = match self.widget {
            Widget::Text { max_length } => html! {
                input type="text" id=(id) name=(self.name) value=(value) maxlength=(max_length)
                    required[self.required] aria-describedby=[described.as_deref()];
            },
            Widget::TextArea { max_length } => html! {
                textarea id=(id) name=(self.name) maxlength=(max_length) rows="4"
                    required[self.required] aria-describedby=[described.as_deref()] { (value) }
            },
            Widget::Number { min, max } => html! {
                input type="number" id=(id) name=(self.name) value=(value) min=(min) max=(max)
                    required[self.required] aria-describedby=[described.as_deref()];
            },
            Widget::DateTime => html! {
                input type="text" id=(id) name=(self.name) value=(value) inputmode="numeric"
                    placeholder="2030-05-04T18:00:00+02:00"
                    required[self.required] aria-describedby=[described.as_deref()];
            },
            Widget::Email => html! {
                input type="email" id=(id) name=(self.name) value=(value)
                    required[self.required] aria-describedby=[described.as_deref()];
            },
            Widget::Password => html! {
                input type="password" id=(id) name=(self.name) value="" autocomplete="new-password"
                    required[self.required] aria-describedby=[described.as_deref()];
            },
            Widget::Date => html! {
                input type="date" id=(id) name=(self.name) value=(value)
                    required[self.required] aria-describedby=[described.as_deref()];
            },
            Widget::Checkbox => html! {
                input type="checkbox" id=(id) name=(self.name) value="on" checked[!value.is_empty()]
                    aria-describedby=[described.as_deref()];
            },
            Widget::Select(_) => html! {
                select id=(id) name=(self.name) required[self.required] aria-describedby=[described.as_deref()] {
                    option value="" { "---------" }
                    @for (choice, label) in choices.unwrap_or_default() {
                        option value=(choice) selected[*choice == value] { (label) }
                    }
                }
            },
        };
        let checkbox = matches!(self.widget, Widget::Checkbox);
        html! {
            div.field.checkbox[checkbox].has-errors[!messages.is_empty()] {
                @if checkbox { (control) label for=(id) { (self.label) } }
                @else { label for=(id) { (self.label) } (control) }
                @if let Some(help) = self.help { small.help id=(help_id) { (help) } }
                @if !messages.is_empty() {
                    ul.errors id=(errors_id) role="alert" { @for message in &messages { li { (message) } } }
                }
            }
        }
    }
}
