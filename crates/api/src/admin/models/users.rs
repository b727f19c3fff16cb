//! Users in the admin: the list and saving. Their forms are in
//! [`super::user_form`]; passwords are set on their own page ([`super::passwords`]).

use domain::{User, UserId};
use maud::html;
use store::attendance_entries::EntryFilter;
use store::events::EventFilter;
use store::users::{NewUser, UserFilter, UserQuery, UserSortField};
use store::{DbConnection, StoreError, StoreResult};

use super::user_form::{self, Account, IS_ACTIVE, USERNAME};
use crate::admin::site::changelog::ObjectType;
use crate::admin::site::choices::{yes_no_value, YES_NO};
use crate::admin::site::fields::Field;
use crate::admin::site::forms::{FormErrors, FormValues};
use crate::admin::site::model::sort_keys;
use crate::admin::site::model::{
    AdminList, AdminModel, Column, FormContext, ListQuery, Refusal, Related, Sidebar,
};
use crate::admin::site::params::Params;

/// The users admin.
pub(crate) struct Users;

static BY_STAFF: Sidebar = Sidebar::new("staff status", "is_staff", YES_NO);
static BY_ACTIVE: Sidebar = Sidebar::new("active", "is_active", YES_NO);

fn yes_no(value: bool) -> &'static str {
    if value {
        "Yes"
    } else {
        "No"
    }
}

sort_keys!(UserSortField {
    Username => "username",
    Email => "email",
    Staff => "staff",
    Active => "active",
    Joined => "joined",
});

impl AdminList for Users {
    const OBJECT: ObjectType = ObjectType::User;
    const SIDEBAR: &'static [&'static Sidebar] = &[&BY_STAFF, &BY_ACTIVE];
    const SEARCH_LABEL: Option<&'static str> = Some("Search users");
    type Row = User;
    type Sort = UserSortField;
    type Filter = UserFilter;

    fn filter(params: &Params) -> UserFilter {
        UserFilter {
            search: None,
            is_staff: yes_no_value(params.get(BY_STAFF.key)),
            is_active: yes_no_value(params.get(BY_ACTIVE.key)),
        }
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::<Self>::sorted(
                "Username",
                UserSortField::Username,
                |u, _| html! { (u.username) },
            ),
            Column::<Self>::sorted(
                "Email address",
                UserSortField::Email,
                |u, _| html! { (u.email.as_ref().map(ToString::to_string).unwrap_or_default()) },
            ),
            Column::<Self>::sorted(
                "Staff status",
                UserSortField::Staff,
                |u, _| html! { (yes_no(u.is_staff)) },
            ),
            Column::<Self>::sorted(
                "Active",
                UserSortField::Active,
                |u, _| html! { (yes_no(u.is_active)) },
            ),
            Column::<Self>::sorted(
                "Date joined",
                UserSortField::Joined,
                |u, _| html! { time datetime=(u.date_joined.to_rfc3339()) { (u.date_joined.format("%Y-%m-%d %H:%M UTC")) } },
            ),
        ]
    }

    fn row_id(user: &User) -> String {
        user.id.to_string()
    }

    fn row_label(user: &User) -> String {
        user.username.to_string()
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

impl AdminModel for Users {
    type Id = UserId;
    type Object = User;
    type Input = Account;
    const ADD_CONTINUES: bool = true;
    const FIELDS: &'static [&'static Field<Self>] = &user_form::CHANGE_FIELDS;
    const ADD_FIELDS: Option<&'static [&'static Field<Self>]> = Some(&user_form::ADD_FIELDS);

    fn id(user: &User) -> UserId {
        user.id
    }

    fn describe(user: &User) -> String {
        user.username.to_string()
    }

    fn load(conn: &mut DbConnection, id: UserId) -> StoreResult<User> {
        store::users::get(conn, id)
    }

    fn initial(_: &User, _: &Params) -> FormValues {
        let mut values = FormValues::default();
        values.set(&IS_ACTIVE, "on");
        values
    }

    fn parse(values: &FormValues, cx: &FormContext<Self>) -> Result<Account, FormErrors> {
        match &cx.target {
            None => user_form::parse_new(values, cx),
            Some(target) => user_form::parse_changes(values, target, &cx.staff),
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
        // The seats their answers held go to those events' waitlists.
        store::seats::delete_user(conn, user.id, mailer::seat_available).map(|_| ())
    }

    fn refuse_delete(staff: &User, user: &User) -> Option<String> {
        if staff.id == user.id {
            Some("You can’t delete your own account: you would lose access to this site. Ask another staff member.".to_owned())
        } else if user.is_superuser && !staff.is_superuser {
            Some(format!(
                "Only a superuser can delete the superuser “{}”.",
                user.username
            ))
        } else {
            None
        }
    }

    fn refuse_change(staff: &User, user: &User) -> Option<String> {
        (user.is_superuser && !staff.is_superuser).then(|| {
            format!(
                "Only a superuser can change the superuser “{}”.",
                user.username
            )
        })
    }

    fn refuse_input(staff: &User, before: Option<&User>, account: &Account) -> Option<String> {
        let grants_staff = match account {
            Account::New { is_staff, .. } => *is_staff,
            Account::Changes(changes) => {
                changes.is_staff == Some(true) && !before.is_some_and(|user| user.is_staff)
            }
        };
        (grants_staff && !staff.is_superuser)
            .then(|| "Only a superuser can grant staff status.".to_owned())
    }

    fn form_intro(user: &User) -> Option<maud::Markup> {
        Some(html! {
            p { "Username: " strong { (user.username) } " · " a href=(format!("/admin/users/{}/password/", user.id)) { "Set a new password" } }
        })
    }
}
