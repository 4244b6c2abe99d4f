//! The one way a form asks for an organisation: type its code, its full name, or part of its name;
//! a single match in the user's scope is the one, several are offered beside the field to pick from
//! (radios named `{field}_choice`, which win over the typed text when the form comes back).

use sqlx::PgPool;

use super::queries::{self, Organisation};
use crate::access::Scope;
use crate::web::forms::{Choice, FieldErrors};

/// Matches offered at most; more means the text is too short to pick by.
const MOST_OFFERED: i64 = 10;

/// The typed text, unless the user picked one of the matches offered last time.
pub fn typed_or_picked<'a>(typed: &'a str, picked: &'a str) -> &'a str {
    if picked.trim().is_empty() {
        typed.trim()
    } else {
        picked.trim()
    }
}

/// The organisation `text` names in `scope`: a code or full name by the rule of `resolve_named`
/// (empty is `default_id`), else the only open organisation whose name or code holds the text.
/// Otherwise the problem, and any matches to pick from, go beside `field`.
pub async fn pick(
    db: &PgPool,
    text: &str,
    scope: &Scope,
    default_id: i64,
    (errors, field): (&mut FieldErrors, &'static str),
) -> sqlx::Result<Option<i64>> {
    let named = queries::resolve_named(db, text, scope, default_id).await?;
    match named {
        Ok(id) => return Ok(Some(id)),
        Err(key) if key != "user.error.organisation" || text.trim().is_empty() => {
            errors.add(field, key);
            return Ok(None);
        }
        Err(_) => {}
    }
    let matches =
        queries::find_containing_in_scope(db, text.trim(), scope, MOST_OFFERED + 1).await?;
    Ok(match matches.as_slice() {
        [] => {
            errors.add(field, "org.pick.none");
            None
        }
        [only] => Some(only.id),
        several if several.len() as i64 > MOST_OFFERED => {
            errors.add(field, "org.pick.too_many");
            None
        }
        several => {
            errors.offer(
                field,
                "org.pick.several",
                several.iter().map(choice).collect(),
            );
            None
        }
    })
}

fn choice(org: &Organisation) -> Choice {
    Choice {
        value: org.code.clone(),
        label: format!("{}（{}）", org.name, org.code),
    }
}

/// The organisation a form names (typed, or picked from last time's matches) in `user`'s scope,
/// read whole so that the caller can check its kind; none when the problem went beside `field`.
pub async fn pick_for_form(
    db: &PgPool,
    (typed, picked): (&str, &str),
    user: &crate::access::CurrentUser,
    (errors, field): (&mut FieldErrors, &'static str),
) -> Result<Option<Organisation>, crate::error::AppError> {
    let text = typed_or_picked(typed, picked);
    let Some(id) = pick(db, text, &user.scope, user.organisation_id, (errors, field)).await? else {
        return Ok(None);
    };
    let organisation = queries::find_in_scope(db, id, &user.scope)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    Ok(Some(organisation))
}
