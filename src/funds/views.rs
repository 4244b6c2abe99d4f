//! Pages of funds.

use askama::Template;
use askama_web::WebTemplate;

use super::ledger::Entry;
use super::model::FundForm;
use super::queries::{Account, Fund};
use crate::web::Ctx;
use crate::web::forms::FieldErrors;
use crate::web::paging::Pager;

#[derive(Template, WebTemplate)]
#[template(path = "funds/index.html")]
pub struct IndexTemplate {
    pub ctx: Ctx,
    pub funds: Vec<Fund>,
    pub can_create: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "funds/new.html")]
pub struct FormTemplate {
    pub ctx: Ctx,
    pub form: FundForm,
    pub errors: FieldErrors,
}

/// The form that moves money into the fund or an allocation, as typed; `allocate` says which of
/// the two forms came back with errors.
#[derive(Debug, Default, serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub organisation_choice: String,
    #[serde(default)]
    pub memo: String,
    #[serde(skip)]
    pub allocate: bool,
    #[serde(skip)]
    pub errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "funds/show.html")]
pub struct ShowTemplate {
    pub ctx: Ctx,
    pub fund: Fund,
    pub accounts: Vec<Account>,
    pub entries: Vec<Entry>,
    pub pager: Pager,
    pub form: MoveForm,
    pub can_manage: bool,
}

impl ShowTemplate {
    /// No problems: for the form that did not come back.
    pub fn no_errors(&self) -> FieldErrors {
        FieldErrors::new(self.ctx.locale)
    }

    /// How an account reads: the pool, or its tier and organisation.
    pub fn account_label(&self, account: &Account) -> String {
        if account.is_pool {
            return self.ctx.t("fund.account.pool").to_string();
        }
        let mut parts = Vec::new();
        if let Some(tier) = account.tier {
            parts.push(self.ctx.tr("application.tier.", &tier.to_string()));
        }
        if let Some(name) = &account.organisation_name {
            parts.push(name.clone());
        }
        parts.join(" · ")
    }

    pub fn account_name(&self, id: &i64) -> String {
        self.accounts
            .iter()
            .find(|account| account.id == *id)
            .map(|account| self.account_label(account))
            .unwrap_or_default()
    }
}
