//! Users in the admin. Passwords are set on their own page
//! ([`super::passwords`]); staff cannot lock themselves out.

use domain::{Email, User, UserId, Username};
use maud::html;
use store::attendance_entries::EntryFilter;
use store::events::EventFilter;
use store::users::{NewUser, UserChanges, UserFilter, UserQuery, UserSortField};
use store::{DbConnection, StoreError, StoreResult};

use crate::admin::site::changelog::ObjectType;
use crate::admin::site::choices::{yes_no_value, YES_NO};
use crate::admin::site::fields::{Field, Widget};
use crate::admin::site::forms::{FormErrors, FormValues, Reader};
use crate::admin::site::model::{
    AdminList, AdminModel, Column, FormContext, ListQuery, Mode, Refusal, Related, Sidebar, SortKey,
};
use crate::admin::site::params::Params;

/// The users admin.
pub(crate) struct Users;

fn yes_no(value: bool) -> &'static str {
    if value {
        "Yes"
    } else {
        "No"
    }
}

fn ticked(value: bool) -> String {
    if value { "on" } else { "" }.to_owned()
}

static USERNAME: Field<Users> = Field {
    name: "username",
    label: "Username",
    widget: Widget::Text { max_length: 150 },
    required: true,
    help: Some("150 characters or fewer. Letters, digits and @/./+/-/_ only."),
    stored: |user| user.username.to_string(),
};

static FIRST_NAME: Field<Users> = Field {
    name: "first_name",
    label: "First name",
    widget: Widget::Text { max_length: 150 },
    required: false,
    help: None,
    stored: |user| user.first_name.clone(),
};

static LAST_NAME: Field<Users> = Field {
    name: "last_name",
    label: "Last name",
    widget: Widget::Text { max_length: 150 },
    required: false,
    help: None,
    stored: |user| user.last_name.clone(),
};

static EMAIL: Field<Users> = Field {
    name: "email",
    label: "Email address",
    widget: Widget::Email,
    required: false,
    help: None,
    stored: |user| {
        user.email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    },
};

/// The new password.
pub(crate) static PASSWORD1: Field<Users> = Field {
    name: "password1",
    label: "Password",
    widget: Widget::Password,
    required: true,
    help: Some("At least 8 characters, not entirely numeric, not like the username."),
    stored: |_| String::new(),
};

/// The new password again.
pub(crate) static PASSWORD2: Field<Users> = Field {
    name: "password2",
    label: "Password confirmation",
    widget: Widget::Password,
    required: true,
    help: None,
    stored: |_| String::new(),
};

static IS_STAFF: Field<Users> = Field {
    name: "is_staff",
    label: "Staff status",
    widget: Widget::Checkbox,
    required: false,
    help: Some("Whether the user can log into this admin site."),
    stored: |user| ticked(user.is_staff),
};

static IS_ACTIVE: Field<Users> = Field {
    name: "is_active",
    label: "Active",
    widget: Widget::Checkbox,
    required: false,
    help: Some("Whether the user can log in at all. Unselect this instead of deleting accounts."),
    stored: |user| ticked(user.is_active),
};

static ADD_FIELDS: [&Field<Users>; 6] = [
    &USERNAME, &EMAIL, &PASSWORD1, &PASSWORD2, &IS_STAFF, &IS_ACTIVE,
];

static CHANGE_FIELDS: [&Field<Users>; 5] = [&FIRST_NAME, &LAST_NAME, &EMAIL, &IS_STAFF, &IS_ACTIVE];

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

impl SortKey for UserSortField {
    const ALL: &'static [Self] = &[
        Self::Username,
        Self::Email,
        Self::Staff,
        Self::Active,
        Self::Joined,
    ];

    fn key(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::Email => "email",
            Self::Staff => "staff",
            Self::Active => "active",
            Self::Joined => "joined",
        }
    }
}

impl AdminList for Users {
    const OBJECT: ObjectType = ObjectType::User;
    const SEARCH_LABEL: Option<&'static str> = Some("Search users");
    const EDITABLE: bool = true;
    type Row = User;
    type Sort = UserSortField;
    type Filter = UserFilter;

    fn filter(params: &Params) -> UserFilter {
        UserFilter {
            search: None,
            is_staff: yes_no_value(params.get("is_staff")),
            is_active: yes_no_value(params.get("is_active")),
        }
    }

    fn sidebar() -> Vec<Sidebar> {
        vec![
            Sidebar {
                title: "staff status",
                key: "is_staff",
                choices: YES_NO,
            },
            Sidebar {
                title: "active",
                key: "is_active",
                choices: YES_NO,
            },
        ]
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                label: "Username",
                sort: Some(UserSortField::Username),
                cell: |u, _| html! { (u.username) },
            },
            Column {
                label: "Email address",
                sort: Some(UserSortField::Email),
                cell: |u, _| html! { (u.email.as_ref().map(ToString::to_string).unwrap_or_default()) },
            },
            Column {
                label: "Staff status",
                sort: Some(UserSortField::Staff),
                cell: |u, _| html! { (yes_no(u.is_staff)) },
            },
            Column {
                label: "Active",
                sort: Some(UserSortField::Active),
                cell: |u, _| html! { (yes_no(u.is_active)) },
            },
            Column {
                label: "Date joined",
                sort: Some(UserSortField::Joined),
                cell: |u, _| html! { time datetime=(u.date_joined.to_rfc3339()) { (u.date_joined.format("%Y-%m-%d %H:%M UTC")) } },
            },
        ]
    }

    fn row_id(user: &User) -> String {
        user.id.to_string()
    }

    fn page(conn: &mut DbConnection, query: &ListQuery<Self>) -> StoreResult<(i64, Vec<User>)> {
        let filter = UserFilter {
            search: query.search.clone(),
            ..query.filter.clone()
        };
        store::users::page(
            conn,
            &UserQuery {
                filter,
                order: query.sort,
                limit: query.limit,
                offset: query.offset,
            },
        )
    }
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

fn parse_new(values: &FormValues, cx: &FormContext<Users>) -> Result<Account, FormErrors> {
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

fn parse_changes(values: &FormValues, target: &User, staff: &User) -> Result<Account, FormErrors> {
    let mut form = Reader::new(values);
    let first_name = form.optional_text(&FIRST_NAME, 150);
    let last_name = form.optional_text(&LAST_NAME, 150);
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
        })),
        _ => None,
    };
    form.errors.or_ok(changes)
}

impl AdminModel for Users {
    type Id = i64;
    type Object = User;
    type Input = Account;
    const ADD_CONTINUES: bool = true;

    fn fields(mode: Mode) -> &'static [&'static Field<Self>] {
        match mode {
            Mode::Add => &ADD_FIELDS,
            Mode::Change => &CHANGE_FIELDS,
        }
    }

    fn id(user: &User) -> i64 {
        user.id.0
    }

    fn describe(user: &User) -> String {
        user.username.to_string()
    }

    fn load(conn: &mut DbConnection, id: i64) -> StoreResult<User> {
        store::users::get(conn, UserId(id))
    }

    fn initial(_: &User, _: &Params) -> FormValues {
        let mut values = FormValues::default();
        values.set(&IS_ACTIVE, "on");
        values
    }

    fn parse(values: &FormValues, cx: &FormContext<Self>) -> Result<Account, FormErrors> {
        match &cx.target {
            None => parse_new(values, cx),
            Some(target) => parse_changes(values, target, &cx.staff),
        }
    }

    fn create(conn: &mut DbConnection, account: Account) -> Result<User, Refusal> {
        let Account::New {
            username,
            email,
            password_hash,
            is_staff,
            is_active,
        } = account
        else {
            return Err(Refusal::Failed(crate::ApiError::Internal(
                "changes given to create".to_owned(),
            )));
        };
        let new = NewUser {
            username: &username,
            email: email.as_ref(),
            first_name: "",
            last_name: "",
            password_hash: &password_hash,
            is_staff,
            is_superuser: false,
            is_active,
            date_joined: store::now(),
        };
        match store::users::create(conn, &new) {
            Ok(user) => Ok(user),
            Err(StoreError::Conflict(_)) => Err(Refusal::Invalid(FormErrors::on(
                &USERNAME,
                "A user with that username already exists.",
            ))),
            Err(other) => Err(other.into()),
        }
    }

    fn update(conn: &mut DbConnection, before: &User, account: Account) -> Result<User, Refusal> {
        let Account::Changes(changes) = account else {
            return Err(Refusal::Failed(crate::ApiError::Internal(
                "a new account given to update".to_owned(),
            )));
        };
        Ok(store::users::update(conn, before.id, &changes)?)
    }

    fn related(conn: &mut DbConnection, user: &User) -> StoreResult<Vec<Related>> {
        let attendances = EntryFilter {
            user: Some(user.id),
            ..EntryFilter::default()
        };
        let organized = EventFilter {
            organizer: Some(user.id),
            ..EventFilter::default()
        };
        Ok(vec![
            Related {
                count: store::attendance_entries::count(conn, &attendances)?,
                singular: "attendance",
                plural: "attendances",
                fate: None,
            },
            Related {
                count: store::events::count(conn, &organized)?,
                singular: "organized event",
                plural: "organized events",
                fate: Some("kept, without an organizer"),
            },
        ])
    }

    fn delete(conn: &mut DbConnection, user: &User) -> StoreResult<()> {
        store::users::delete(conn, user.id)
    }

    fn refuse_delete(staff: &User, user: &User) -> Option<String> {
        (staff.id == user.id).then(|| {
            "You can’t delete your own account: you would lose access to this site. Ask another staff member.".to_owned()
        })
    }

    fn form_intro(user: &User) -> Option<maud::Markup> {
        Some(html! {
            p { "Username: " strong { (user.username) } " · " a href=(format!("/admin/users/{}/password/", user.id)) { "Set a new password" } }
        })
    }
}
