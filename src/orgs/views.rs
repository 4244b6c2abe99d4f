//! Pages of the organisation tree.

use askama::Template;
use askama_web::WebTemplate;

use super::model::{KINDS, OrgForm, OrgStatus};
use super::queries::{Crumb, Organisation, SearchRow, SubtreeCounts};
use crate::audit::queries::AuditEntry;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;

/// A node of the tree as the template draws it: a branch opens a nested list that `closes` ends.
pub struct TreeNode {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind: String,
    pub closed: bool,
    pub child_count: i64,
    pub account_count: i64,
    pub member_count: i64,
    /// Its children are drawn below it (a nested list follows).
    pub is_branch: bool,
    /// Drawn expanded at first (the top levels).
    pub open: bool,
    /// It has children beyond the drawn depth: its own page shows them.
    pub more_below: bool,
    /// How many nested lists end after this node.
    pub closes: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub nodes: Vec<TreeNode>,
    pub query: String,
    pub results: Option<Vec<SearchRow>>,
    pub can_create: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/show.html")]
pub struct ShowTemplate {
    pub ctx: Ctx,
    pub org: Organisation,
    pub parent_name: Option<String>,
    pub crumbs: Vec<Crumb>,
    pub counts: SubtreeCounts,
    pub children: Vec<TreeNode>,
    pub history: Vec<AuditEntry>,
    pub can_manage: bool,
    pub is_scope_root: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/new.html")]
pub struct NewTemplate {
    pub ctx: Ctx,
    pub form: OrgForm,
    pub errors: FieldErrors,
    pub kinds: &'static [&'static str],
}

impl NewTemplate {
    pub fn new(ctx: Ctx, form: OrgForm, errors: FieldErrors) -> Self {
        Self {
            ctx,
            form,
            errors,
            kinds: &KINDS,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/edit.html")]
pub struct EditTemplate {
    pub ctx: Ctx,
    pub org: Organisation,
    pub form: OrgForm,
    pub errors: FieldErrors,
    pub kinds: &'static [&'static str],
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/move.html")]
pub struct MoveTemplate {
    pub ctx: Ctx,
    pub org: Organisation,
    pub parent_code: String,
    pub errors: FieldErrors,
}
