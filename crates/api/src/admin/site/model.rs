//! What a model declares once for the admin (Django's `ModelAdmin`): its
//! list columns, filters, search and sort keys, and for editable models its
//! form fields and how to load, check, save and delete it. The generic pages
//! in [`super::list_view`] and [`super::edit_view`] are built from it.

use std::fmt::Display;
use std::str::FromStr;

use chrono::NaiveDate;
use domain::User;
use maud::Markup;
use store::{DbConnection, StoreError, StoreResult};

use super::changelog::ObjectType;
use super::fields::{Choices, Field};
use super::forms::{FormErrors, FormValues};
use super::params::Params;
use crate::ApiError;

/// A column a list can be sorted by, as a typed key.
pub(crate) trait SortKey: Copy + PartialEq + Send + 'static {
    /// Every key the list offers.
    const ALL: &'static [Self];

    /// The key's spelling in the `o` query parameter.
    fn key(self) -> &'static str;
}

/// Implements [`SortKey`] for an enum: each variant and its spelling.
macro_rules! sort_keys {
    ($type:ty { $($variant:ident => $key:literal),+ $(,)? }) => {
        impl $crate::admin::site::model::SortKey for $type {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key),+
                }
            }
        }
    };
}
pub(crate) use sort_keys;

/// The sort key and direction `o` names (`name`, `-name`), if it names one;
/// anything else means the model's default order.
pub(crate) fn parse_sort<S: SortKey>(raw: Option<&str>) -> Option<(S, bool)> {
    let raw = raw?;
    let (descending, name) = raw.strip_prefix('-').map_or((false, raw), |n| (true, n));
    S::ALL
        .iter()
        .find(|key| key.key() == name)
        .map(|key| (*key, descending))
}

/// What a cell can use besides its row. Cells of editable lists sit inside
/// the list's action form, so only listed-only models put forms in cells.
pub(crate) struct CellContext<'a> {
    /// The CSRF token for forms inside cells.
    pub csrf: &'a str,
}

/// A list column.
pub(crate) struct Column<M: AdminList> {
    /// The header.
    pub label: &'static str,
    /// The key that sorts by this column, if any.
    pub sort: Option<M::Sort>,
    /// The cell of a row.
    pub cell: fn(&M::Row, &CellContext<'_>) -> Markup,
}

impl<M: AdminList> Column<M> {
    /// A column sorted by `key`.
    pub(crate) fn sorted(
        label: &'static str,
        key: M::Sort,
        cell: fn(&M::Row, &CellContext<'_>) -> Markup,
    ) -> Self {
        Self {
            label,
            sort: Some(key),
            cell,
        }
    }

    /// A column that does not sort.
    pub(crate) fn plain(
        label: &'static str,
        cell: fn(&M::Row, &CellContext<'_>) -> Markup,
    ) -> Self {
        Self {
            label,
            sort: None,
            cell,
        }
    }
}

/// A filter in the list's sidebar: one link per choice of `key`.
pub(crate) struct Sidebar {
    /// "By {title}".
    pub title: &'static str,
    /// The query parameter it sets.
    pub key: &'static str,
    /// Its choices.
    pub choices: Choices,
}

impl Sidebar {
    /// The chosen value of this filter, if it parses.
    pub(crate) fn chosen<T: FromStr>(&self, params: &Params) -> Option<T> {
        params.number(self.key)
    }

    /// "By {title}", setting `key` to one of `choices`.
    pub(crate) const fn new(title: &'static str, key: &'static str, choices: Choices) -> Self {
        Self {
            title,
            key,
            choices,
        }
    }
}

/// The first and last day the date drill-down selects.
pub(crate) type DateRange = (Option<NaiveDate>, Option<NaiveDate>);

/// What a list page asks its model for.
pub(crate) struct ListQuery<M: AdminList> {
    /// The model's own filters, from the query parameters.
    pub filter: M::Filter,
    /// The search box's text.
    pub search: Option<String>,
    /// The date drill-down's range.
    pub dates: DateRange,
    /// The sort key and whether descending.
    pub sort: Option<(M::Sort, bool)>,
    /// Rows a page.
    pub limit: i64,
    /// Rows before this page.
    pub offset: i64,
}

/// A model's list page (Django's `changelist`).
pub(crate) trait AdminList: Sized + 'static {
    /// What the model is.
    const OBJECT: ObjectType;
    /// The search box's label; `None` for no search box.
    const SEARCH_LABEL: Option<&'static str> = None;
    /// Whether the list drills down by date (see [`AdminList::dates`]).
    const DATE_HIERARCHY: bool = false;

    /// A row.
    type Row: Send + 'static;
    /// The sort keys.
    type Sort: SortKey;
    /// The model's filters.
    type Filter: Send + 'static;

    /// The filters the query parameters select.
    fn filter(params: &Params) -> Self::Filter;

    /// The sidebar's filters (each read back by [`AdminList::filter`]
    /// through [`Sidebar::chosen`]).
    const SIDEBAR: &'static [&'static Sidebar] = &[];

    /// The columns, the first one linking to the row's change page.
    fn columns() -> Vec<Column<Self>>;

    /// The row's id as it appears in URLs.
    fn row_id(row: &Self::Row) -> String;

    /// How the row reads to a screen reader ("Select {label}").
    fn row_label(row: &Self::Row) -> String;

    /// A page of rows and how many match.
    fn page(conn: &mut DbConnection, query: &ListQuery<Self>)
        -> StoreResult<(i64, Vec<Self::Row>)>;

    /// The distinct dates of the rows matching `query` (ignoring its date
    /// range), for the drill-down.
    fn dates(_conn: &mut DbConnection, _query: &ListQuery<Self>) -> StoreResult<Vec<NaiveDate>> {
        Ok(Vec::new())
    }

    /// The list page's title.
    fn list_title() -> String {
        format!("Select {} to change", Self::OBJECT.verbose())
    }
}

/// Which form a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The add form.
    Add,
    /// The change form of an existing object.
    Change,
}

/// What a form's checks can see besides the posted values.
pub(crate) struct FormContext<M: AdminModel> {
    /// The staff user posting.
    pub staff: User,
    /// The object changed (none when adding).
    pub target: Option<M::Object>,
    /// bcrypt work factor for new passwords.
    pub bcrypt_cost: u32,
}

/// Why a save did not happen.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The input breaks a rule only the database can check (a duplicate,
    /// a chosen row that is gone): shown on the form, nothing written.
    Invalid(FormErrors),
    /// Anything else.
    Failed(ApiError),
}

impl From<StoreError> for Refusal {
    fn from(err: StoreError) -> Self {
        Self::Failed(err.into())
    }
}

impl From<ApiError> for Refusal {
    fn from(err: ApiError) -> Self {
        Self::Failed(err)
    }
}

/// Objects that go with one being deleted, as the confirmation lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Related {
    /// How many.
    pub count: i64,
    /// The noun for one.
    pub singular: &'static str,
    /// The noun for several.
    pub plural: &'static str,
    /// What happens to them, when they are not deleted along.
    pub fate: Option<&'static str>,
}

impl Related {
    /// "1 attendance", "2 attendances".
    pub(crate) fn counted(&self) -> String {
        let noun = if self.count == 1 {
            self.singular
        } else {
            self.plural
        };
        format!("{} {noun}", self.count)
    }
}

/// A model staff can add, change and delete (Django's `ModelAdmin` forms).
pub(crate) trait AdminModel: AdminList {
    /// The object's id in URLs.
    type Id: FromStr + Display + Copy + PartialEq + Send + 'static;
    /// The object as loaded.
    type Object: Clone + Send + 'static;
    /// A checked form, ready to save.
    type Input: Send + 'static;
    /// Whether adding leads to the change page rather than to the list
    /// (users: their password and names are set there).
    const ADD_CONTINUES: bool = false;

    /// The form's fields, in order.
    const FIELDS: &'static [&'static Field<Self>];
    /// The add form's fields, when they differ from [`AdminModel::FIELDS`]
    /// (users choose a password there instead of their names).
    const ADD_FIELDS: Option<&'static [&'static Field<Self>]> = None;

    /// The fields of the form `mode` shows.
    fn fields(mode: Mode) -> &'static [&'static Field<Self>] {
        match (mode, Self::ADD_FIELDS) {
            (Mode::Add, Some(fields)) => fields,
            _ => Self::FIELDS,
        }
    }

    /// The object's id.
    fn id(object: &Self::Object) -> Self::Id;

    /// How the object reads in notices and the log.
    fn describe(object: &Self::Object) -> String;

    /// The object with this id.
    fn load(conn: &mut DbConnection, id: Self::Id) -> StoreResult<Self::Object>;

    /// The add form's first values (e.g. from the query string).
    fn initial(_staff: &User, _params: &Params) -> FormValues {
        FormValues::default()
    }

    /// Checks posted values without the database. Runs on the blocking
    /// pool, so it may hash a password.
    fn parse(values: &FormValues, cx: &FormContext<Self>) -> Result<Self::Input, FormErrors>;

    /// Creates the object, inside the caller's transaction.
    fn create(conn: &mut DbConnection, input: Self::Input) -> Result<Self::Object, Refusal>;

    /// Changes `before` to `input`, inside the caller's transaction.
    fn update(
        conn: &mut DbConnection,
        before: &Self::Object,
        input: Self::Input,
    ) -> Result<Self::Object, Refusal>;

    /// What goes with the object when it is deleted.
    fn related(_conn: &mut DbConnection, _object: &Self::Object) -> StoreResult<Vec<Related>> {
        Ok(Vec::new())
    }

    /// Deletes the object, inside the caller's transaction.
    fn delete(conn: &mut DbConnection, object: &Self::Object) -> StoreResult<()>;

    /// Why `staff` may not delete the object, if they may not.
    fn refuse_delete(_staff: &User, _object: &Self::Object) -> Option<String> {
        None
    }

    /// Why `staff` may not change the object at all (its form, its other
    /// pages), if they may not; answered 403 as a refused delete is.
    fn refuse_change(_staff: &User, _object: &Self::Object) -> Option<String> {
        None
    }

    /// Why `staff` may not save this checked form (it grants what only
    /// others may grant, say), if they may not; `before` is the object
    /// changed, `None` for an add. Answered 403.
    fn refuse_input(
        _staff: &User,
        _before: Option<&Self::Object>,
        _input: &Self::Input,
    ) -> Option<String> {
        None
    }

    /// Shown above the change form's fields (e.g. a link to other pages).
    fn form_intro(_object: &Self::Object) -> Option<Markup> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::events::EventSortField;

    #[test]
    fn sort_keys_parse_with_their_direction() {
        assert_eq!(
            parse_sort(Some("name")),
            Some((EventSortField::Name, false))
        );
        assert_eq!(
            parse_sort(Some("-date")),
            Some((EventSortField::Date, true))
        );
        assert_eq!(parse_sort::<EventSortField>(Some("-bogus")), None);
        assert_eq!(parse_sort::<EventSortField>(Some("")), None);
        assert_eq!(parse_sort::<EventSortField>(None), None);
    }

    #[test]
    fn related_items_are_counted_in_words() {
        let related = |count| Related {
            count,
            singular: "attendance",
            plural: "attendances",
            fate: None,
        };
        assert_eq!(related(1).counted(), "1 attendance");
        assert_eq!(related(0).counted(), "0 attendances");
    }
}
