//! The user forms: their fields, and the checks of a new account (with
//! its password) and of changes (staff cannot lock themselves out).

use domain::{Email, User, Username};
use store::users::UserChanges;

use super::users::Users;
use crate::admin::site::fields::{Field, Widget};
use crate::admin::site::forms::{FormErrors, FormValues, Reader};
use crate::admin::site::model::FormContext;

fn ticked(value: bool) -> String {
    if value { "on" } else { "" }.to_owned()
}

/// The form field `username`.
pub(crate) static USERNAME: Field<Users> = Field::<Users>::new(
    "username",
    "Username",
    Widget::Text { max_length: 150 },
    |user| user.username.to_string(),
)
.required()
.help("150 characters or fewer. Letters, digits and @/./+/-/_ only.");

static FIRST_NAME: Field<Users> = Field::<Users>::new(
    "first_name",
    "First name",
    Widget::Text { max_length: 150 },
    |user| user.first_name.clone(),
);

static LAST_NAME: Field<Users> = Field::<Users>::new(
    "last_name",
    "Last name",
    Widget::Text { max_length: 150 },
    |user| user.last_name.clone(),
);

static EMAIL: Field<Users> = Field::<Users>::new("email", "Email address", Widget::Email, |user| {
    user.email
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
});

/// The new password.
pub(crate) static PASSWORD1: Field<Users> =
    Field::<Users>::new("password1", "Password", Widget::Password, |_| String::new())
        .required()
        .help("At least 8 characters, not entirely numeric, not like the username.");

/// The new password again.
pub(crate) static PASSWORD2: Field<Users> = Field::<Users>::new(
    "password2",
    "Password confirmation",
    Widget::Password,
    |_| String::new(),
)
.required();

static IS_STAFF: Field<Users> =
    Field::<Users>::new("is_staff", "Staff status", Widget::Checkbox, |user| {
        ticked(user.is_staff)
    })
    .help("Whether the user can log into this admin site.");

/// The form field `is_active`.
pub(crate) static IS_ACTIVE: Field<Users> =
    Field::<Users>::new("is_active", "Active", Widget::Checkbox, |user| {
        ticked(user.is_active)
    })
    .help("Whether the user can log in at all. Unselect this instead of deleting accounts.");

/// The add form's fields.
pub(crate) static ADD_FIELDS: [&Field<Users>; 6] = [
    &USERNAME, &EMAIL, &PASSWORD1, &PASSWORD2, &IS_STAFF, &IS_ACTIVE,
];

/// The change form's fields.
pub(crate) static CHANGE_FIELDS: [&Field<Users>; 5] =
    [&FIRST_NAME, &LAST_NAME, &EMAIL, &IS_STAFF, &IS_ACTIVE];

/// A checked user form.
pub(crate) enum Account {
    /// A new account, its password already hashed.
    New {
        username: Username,
        email: Option<Email>,
        password_hash: String,
        is_staff: bool,
        is_active: bool,
    },
    /// Changes to an account.
    Changes(UserChanges),
}

/// Checks the two password fields against the rules: the password, or
/// the problems added to `form`.
pub(crate) fn check_passwords(
    form: &mut Reader<'_>,
    values: &FormValues,
    attributes: &auth::UserAttributes<'_>,
) -> Option<String> {
    let first = values.get(&PASSWORD1).unwrap_or_default();
    let second = values.get(&PASSWORD2).unwrap_or_default();
    if first.is_empty() {
        form.errors.add(&PASSWORD1, "This field is required.");
        return None;
    }
    if first != second {
        form.errors
            .add(&PASSWORD2, "The two password fields didn’t match.");
        return None;
    }
    let problems = auth::validate_password(first, attributes);
    for problem in &problems {
        form.errors.add(&PASSWORD2, problem.clone());
    }
    problems.is_empty().then(|| first.to_owned())
}

/// Hashes a password (slow: call it on the blocking pool); a failure is a
/// problem with the whole form, logged.
pub(crate) fn hash(password: &str, cost: u32, form: &mut Reader<'_>) -> Option<String> {
    auth::hash_password(password, cost)
        .map_err(|err| {
            tracing::error!(error = %err, "hashing a password failed");
            form.errors
                .add_general("The password could not be stored. Try again.");
        })
        .ok()
}

pub(crate) fn parse_new(
    values: &FormValues,
    cx: &FormContext<Users>,
) -> Result<Account, FormErrors> {
    let mut form = Reader::new(values);
    let username = form.text(&USERNAME, Username::parse);
    let email = form.optional_email(&EMAIL);
    let attributes = auth::UserAttributes {
        username: username.as_ref().map_or("", Username::as_str),
        email: email
            .as_ref()
            .and_then(Option::as_ref)
            .map_or("", Email::as_str),
        ..auth::UserAttributes::default()
    };
    let password = check_passwords(&mut form, values, &attributes);
    let password_hash = match password {
        Some(password) if form.errors.is_empty() => hash(&password, cx.bcrypt_cost, &mut form),
        _ => None,
    };
    let account = match (username, email, password_hash) {
        (Some(username), Some(email), Some(password_hash)) => Some(Account::New {
            username,
            email,
            password_hash,
            is_staff: form.checked(&IS_STAFF),
            is_active: form.checked(&IS_ACTIVE),
        }),
        _ => None,
    };
    form.errors.or_ok(account)
}

pub(crate) fn parse_changes(
    values: &FormValues,
    target: &User,
    staff: &User,
) -> Result<Account, FormErrors> {
    let mut form = Reader::new(values);
    let first_name = form.optional_text(&FIRST_NAME);
    let last_name = form.optional_text(&LAST_NAME);
    let email = form.optional_email(&EMAIL);
    let (is_staff, is_active) = (form.checked(&IS_STAFF), form.checked(&IS_ACTIVE));
    if target.id == staff.id && !is_staff {
        form.errors.add(&IS_STAFF, "You can’t remove your own staff status: you would lose access to this site. Ask another staff member.");
    }
    if target.id == staff.id && !is_active {
        form.errors.add(&IS_ACTIVE, "You can’t deactivate your own account: you would lose access to this site. Ask another staff member.");
    }
    let changes = match (first_name, last_name, email) {
        (Some(first_name), Some(last_name), Some(email)) => Some(Account::Changes(UserChanges {
            email: Some(email),
            first_name: Some(first_name),
            last_name: Some(last_name),
            is_staff: Some(is_staff),
            is_active: Some(is_active),
            email_notifications: None,
        })),
        _ => None,
    };
    form.errors.or_ok(changes)
}
