//! Deleting: one object from its delete page, or the rows ticked in a
//! list ("Delete selected"). Both confirm first, saying what goes along,
//! then delete in one transaction with one log entry per object.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use store::{DbConnection, OptionalExt};

use super::changelog::{record, Action, Change};
use super::edit_view::{object_id, object_url};
use super::forms::Posted;
use super::layout::delete_confirmation;
use super::list_view::{DELETE_SELECTED, SELECTED};
use super::model::{AdminModel, Related};
use super::staff::Staff;
use crate::admin::AdminError;
use crate::{with_conn, with_pool, ApiError};

/// An object about to be deleted, with what goes along.
struct Doomed<M: AdminModel> {
    object: M::Object,
    related: Vec<Related>,
}

/// What goes: each object with the related items deleted along, then the
/// related items that stay (and what happens to them).
fn doomed_list<M: AdminModel>(doomed: &[Doomed<M>]) -> Markup {
    let kind = M::OBJECT.verbose();
    let kept: Vec<String> = doomed
        .iter()
        .flat_map(|item| &item.related)
        .filter_map(|r| {
            r.fate
                .filter(|_| r.count > 0)
                .map(|fate| format!("{} ({fate})", r.counted()))
        })
        .collect();
    html! {
        p { "The following will be deleted:" }
        ul.deleted-objects {
            @for item in doomed {
                li {
                    (capitalized(kind)) ": " (M::describe(&item.object))
                    @let along: Vec<&Related> = item.related.iter().filter(|r| r.fate.is_none()).collect();
                    @if !along.is_empty() {
                        ul { @for related in along { li { (related.counted()) } } }
                    }
                }
            }
        }
        @if !kept.is_empty() {
            p { "These stay:" }
            ul.kept-objects { @for item in &kept { li { (item) } } }
        }
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The log message of a deletion: "Deleted." or "Deleted with 2 attendances.".
fn deletion_message(related: &[Related]) -> String {
    let gone: Vec<String> = related
        .iter()
        .filter(|r| r.fate.is_none() && r.count > 0)
        .map(Related::counted)
        .collect();
    if gone.is_empty() {
        "Deleted.".to_owned()
    } else {
        format!("Deleted with {}.", gone.join(", "))
    }
}

/// Deletes the objects with these ids (those already gone are skipped) in
/// one transaction, refusing all if `staff` may not delete one. Returns how
/// each deleted object read.
async fn delete_all<M: AdminModel>(
    staff: &Staff,
    ids: Vec<M::Id>,
) -> Result<Vec<String>, AdminError> {
    let actor = staff.user.clone();
    let outcome = with_pool(&staff.state.pool, move |pool| {
        pool.write(move |conn| {
            let mut objects = Vec::new();
            for id in ids {
                objects.extend(M::load(conn, id).optional()?);
            }
            // Refuse before writing anything: all of them go, or none.
            if let Some(reason) = objects.iter().find_map(|o| M::refuse_delete(&actor, o)) {
                return Ok(Err(reason));
            }
            let mut deleted = Vec::new();
            for object in objects {
                let related = M::related(conn, &object)?;
                M::delete(conn, &object)?;
                let repr = M::describe(&object);
                record(
                    conn,
                    &Change {
                        staff: &actor,
                        action: Action::Delete,
                        object: M::OBJECT,
                        id: &M::id(&object).to_string(),
                        repr: &repr,
                        message: &deletion_message(&related),
                    },
                )?;
                deleted.push(repr);
            }
            Ok::<_, ApiError>(Ok(deleted))
        })
    })
    .await?;
    outcome.map_err(AdminError::Forbidden)
}

/// Loads objects and what goes with each, for a confirmation.
async fn doomed<M: AdminModel>(
    staff: &Staff,
    ids: Vec<M::Id>,
) -> Result<Vec<Doomed<M>>, AdminError> {
    let staff_user = staff.user.clone();
    let loaded = with_conn(&staff.state.pool, move |conn: &mut DbConnection| {
        let mut doomed = Vec::new();
        for id in ids {
            if let Some(object) = M::load(conn, id).optional()? {
                if let Some(reason) = M::refuse_delete(&staff_user, &object) {
                    return Ok(Err(reason));
                }
                let related = M::related(conn, &object)?;
                doomed.push(Doomed { object, related });
            }
        }
        Ok(Ok(doomed))
    })
    .await?;
    loaded.map_err(AdminError::Forbidden)
}

/// The delete page of the object in the path: what goes, and "Yes".
pub(crate) async fn delete_form<M: AdminModel>(
    staff: Staff,
    path: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let id = object_id::<M>(&path)?;
    let doomed = doomed::<M>(&staff, vec![id]).await?;
    let Some(item) = doomed.first() else {
        return Err(AdminError::NotFound);
    };
    let details = html! {
        p { "Are you sure you want to delete the " (M::OBJECT.verbose()) " “" (M::describe(&item.object)) "”?" }
        (doomed_list(&doomed))
    };
    let action = object_url::<M>(&item.object, "delete/");
    let back = object_url::<M>(&item.object, "change/");
    let content = delete_confirmation(&action, &back, &staff.csrf, details, html! {});
    Ok(staff.page("Are you sure?", M::OBJECT.crumbs(Some("Delete")), content))
}

/// Deletes the object in the path.
pub(crate) async fn delete<M: AdminModel>(
    staff: Staff,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let id = object_id::<M>(&path)?;
    Posted::read(&req, &body)?;
    let deleted = delete_all::<M>(&staff, vec![id]).await?;
    let Some(repr) = deleted.first() else {
        return Err(AdminError::NotFound);
    };
    let notice = format!(
        "The {} “{repr}” was deleted successfully.",
        M::OBJECT.verbose()
    );
    Ok(staff.redirect(M::OBJECT.url(), notice))
}

/// A list's actions: "Delete selected" asks for confirmation, then deletes
/// the ticked rows.
pub(crate) async fn bulk_action<M: AdminModel>(
    staff: Staff,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let posted = Posted::read(&req, &body)?;
    let list_url = match req.query_string() {
        "" => M::OBJECT.url().to_owned(),
        query => format!("{}?{query}", M::OBJECT.url()),
    };
    if posted.get("action") != Some(DELETE_SELECTED) {
        return Ok(staff.redirect(&list_url, "No action selected.".to_owned()));
    }
    let mut ids: Vec<M::Id> = Vec::new();
    for id in posted
        .all(SELECTED)
        .filter_map(|raw| raw.parse::<M::Id>().ok())
    {
        // A row ticked twice (a resubmitted form) is deleted once.
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        let notice = "Items must be selected in order to perform actions on them. No items have been changed.";
        return Ok(staff.redirect(&list_url, notice.to_owned()));
    }
    let plural = M::OBJECT.verbose_plural();
    if posted.get("post") == Some("yes") {
        let deleted = delete_all::<M>(&staff, ids).await?;
        let noun = if deleted.len() == 1 {
            M::OBJECT.verbose()
        } else {
            plural
        };
        let notice = format!("Successfully deleted {} {noun}.", deleted.len());
        return Ok(staff.redirect(&list_url, notice));
    }
    let doomed = doomed::<M>(&staff, ids).await?;
    let details = html! {
        p { "Are you sure you want to delete the selected " (plural) "?" }
        (doomed_list(&doomed))
    };
    let hidden = html! {
        input type="hidden" name="action" value=(DELETE_SELECTED);
        input type="hidden" name="post" value="yes";
        @for item in &doomed { input type="hidden" name=(SELECTED) value=(M::id(&item.object).to_string()); }
    };
    let content = delete_confirmation(&list_url, &list_url, &staff.csrf, details, hidden);
    Ok(staff.page(
        "Are you sure?",
        M::OBJECT.crumbs(Some(&format!("Delete multiple {plural}"))),
        content,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletions_log_what_went_along() {
        let gone = Related {
            count: 2,
            singular: "attendance",
            plural: "attendances",
            fate: None,
        };
        let kept = Related {
            count: 1,
            singular: "organized event",
            plural: "organized events",
            fate: Some("kept"),
        };
        let none = Related {
            count: 0,
            ..gone.clone()
        };
        assert_eq!(
            deletion_message(&[gone, kept.clone()]),
            "Deleted with 2 attendances."
        );
        assert_eq!(deletion_message(&[none, kept]), "Deleted.");
        assert_eq!(capitalized("event"), "Event");
        assert_eq!(capitalized(""), "");
    }
}
