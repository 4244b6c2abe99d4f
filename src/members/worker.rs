//! A worker a record names (a dispute case, a care campaign's recipient): a member of the user's
//! subtree, found by their member number or ID number, or someone who is not a member, whose ID
//! number and phone are sealed and masked exactly as a member's are. The form fields are the same
//! wherever a worker is typed: `member`, or `worker_name`, `worker_id_number` and `worker_phone`.

use crate::access::Scope;
use crate::error::AppResult;
use crate::members::identity::{IdNumber, Phone};
use crate::members::queries::{Keyed, members_by_keys};
use crate::pii::Pii;
use crate::state::AppState;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;

/// Who the worker is, as typed and checked.
#[derive(Debug, Clone)]
pub enum Worker {
    /// A member, named by the number typed (found by [`resolve`]).
    Member(String),
    Outsider {
        name: String,
        id_number: IdNumber,
        phone: Phone,
    },
}

/// The worker as typed: a member's number or ID number (`member`), or else the name, ID number
/// and phone of someone who is not a member; each problem beside its field.
pub fn check(
    errors: &mut FieldErrors,
    member: &str,
    name: &str,
    id_number: &str,
    phone: &str,
) -> Option<Worker> {
    let member = member.trim();
    if !member.is_empty() {
        return Some(Worker::Member(member.to_uppercase()));
    }
    let name = clean_text(name).trim().to_string();
    if !(1..=40).contains(&name.chars().count()) {
        errors.add("worker_name", "worker.error.name");
    }
    let id_number = IdNumber::parse(id_number)
        .map_err(|e| errors.add("worker_id_number", e.key()))
        .ok();
    let phone = Phone::parse(phone);
    if phone.is_none() {
        errors.add("worker_phone", "member.error.phone");
    }
    match (id_number, phone, name.is_empty()) {
        (Some(id_number), Some(phone), false) => Some(Worker::Outsider {
            name,
            id_number,
            phone,
        }),
        _ => None,
    }
}

/// A worker ready to store: a member of the user's subtree, or someone who is not a member with
/// their ID number (and its blind index) and phone sealed.
#[derive(Debug, Clone)]
pub struct SealedWorker {
    pub member_id: Option<i64>,
    pub name: String,
    /// The blind index of the ID number, a member's or not: the same person has the same index.
    pub person_index: Vec<u8>,
    pub id_masked: String,
    /// Not a member: the ID number sealed, and its blind index.
    pub id_number: Option<(Vec<u8>, Vec<u8>)>,
    /// Not a member: the phone sealed, and masked.
    pub phone: Option<Vec<u8>>,
    pub phone_masked: String,
}

impl SealedWorker {
    pub fn member(member: Keyed) -> Self {
        Self {
            member_id: Some(member.id),
            name: member.name,
            person_index: member.id_number_index,
            id_masked: member.id_number_masked,
            id_number: None,
            phone: None,
            phone_masked: String::new(),
        }
    }

    pub fn outsider(pii: &Pii, name: String, id_number: &IdNumber, phone: &Phone) -> Self {
        let index = pii.index(id_number.as_str());
        Self {
            member_id: None,
            name,
            person_index: index.clone(),
            id_masked: id_number.masked(),
            id_number: Some((pii.encrypt(id_number.as_str()), index)),
            phone: Some(pii.encrypt(phone.as_str())),
            phone_masked: phone.masked(),
        }
    }
}

/// The worker as stored, or `None` with the problem beside the member field when the number
/// names no member in `scope`.
pub async fn resolve(
    state: &AppState,
    scope: &Scope,
    worker: &Worker,
    errors: &mut FieldErrors,
) -> AppResult<Option<SealedWorker>> {
    Ok(match worker {
        Worker::Member(key) => {
            let found = find_member(state, scope, key).await?;
            if found.is_none() {
                errors.add("member", "worker.error.member_unknown");
            }
            found.map(SealedWorker::member)
        }
        Worker::Outsider {
            name,
            id_number,
            phone,
        } => Some(SealedWorker::outsider(
            &state.pii,
            name.clone(),
            id_number,
            phone,
        )),
    })
}

/// The member a number names in `scope`: a member number, or an ID number.
pub async fn find_member(state: &AppState, scope: &Scope, key: &str) -> AppResult<Option<Keyed>> {
    let index = IdNumber::parse(key)
        .ok()
        .map(|id| state.pii.index(id.as_str()));
    let found = members_by_keys(
        &state.db,
        scope.path(),
        &index.into_iter().collect::<Vec<_>>(),
        &[key.trim().to_uppercase()],
    )
    .await?;
    Ok(found.into_iter().next())
}

/// Names compared as people type them: spaces (a padded 王　芳) ignored.
pub fn same_name(typed: &str, on_record: &str) -> bool {
    let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    strip(typed) == strip(on_record)
}
