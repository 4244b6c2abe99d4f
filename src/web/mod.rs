//! What every page shares: the request context (visitor, language, CSRF token, flash), the layout's
//! navigation, cookies, the message catalogues, and error pages.

pub mod charts;
pub mod client_address;
pub mod context;
pub mod cookies;
pub mod dates;
pub mod export;
pub mod forms;
pub mod fragments;
pub mod i18n;
pub mod input;
pub mod paging;
pub mod png;
pub mod qr;
pub mod roster;
pub mod sheet;
pub mod views;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponseParts, ResponseParts};

use crate::access::{CurrentUser, Role};
use crate::error::AppError;
use i18n::Locale;

/// Everything a page needs to know about the request, put in place by [`context::load`].
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<CurrentUser>,
    pub locale: Locale,
    pub csrf_token: String,
    pub flash: Option<Flash>,
    pub path: String,
    pub ip: Option<String>,
}

impl Ctx {
    /// The catalogue text for `key` in the visitor's language.
    pub fn t(&self, key: &'static str) -> &'static str {
        self.locale.t(key)
    }

    /// The catalogue text for `key` with its `{name}` placeholders filled: a sentence stays whole in
    /// the catalogue, so each language puts the number where its grammar wants it.
    pub fn tf<'a>(&self, key: &'static str, args: impl AsRef<[(&'a str, String)]>) -> String {
        self.locale.fill(key, args.as_ref())
    }

    /// The catalogue text for a key made at run time (e.g. `org.kind.` + kind).
    pub fn tr(&self, prefix: &str, code: &str) -> String {
        self.locale.t_dyn(&format!("{prefix}{code}"))
    }

    /// Like `tr`, but a code with no text of its own shows as itself (e.g. a field name).
    pub fn tr_or_code(&self, prefix: &str, code: &str) -> String {
        let key = format!("{prefix}{code}");
        let text = self.locale.t_dyn(&key);
        if text == key { code.to_string() } else { text }
    }

    /// A moment as pages show it, in Beijing time (`web::dates`).
    pub fn datetime(&self, moment: &time::OffsetDateTime) -> String {
        dates::format_datetime(*moment)
    }

    /// A moment with its seconds, in Beijing time (the audit trail).
    pub fn datetime_seconds(&self, moment: &time::OffsetDateTime) -> String {
        dates::format_datetime_seconds(*moment)
    }

    /// A moment's calendar day in Beijing.
    pub fn day(&self, moment: &time::OffsetDateTime) -> String {
        dates::format_day(*moment)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    /// The signed-in user, or a redirect to the sign-in page.
    pub fn user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::SignInRequired)
    }

    /// The main navigation, in groups, with only the entries this user uses: union work for
    /// everyone, contests and money for those who file, review or watch budgets, the system's
    /// pages for administrators and auditors.
    pub fn nav(&self) -> Vec<NavGroup> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let mut money = vec![("/competitions", "nav.competitions")];
        let mut rights = Vec::new();
        if crate::disputes::reads_cases(user) {
            rights.push(("/disputes", "nav.disputes"));
            rights.push(("/letters", "nav.letters"));
        }
        // Health data is the health staff's alone: an administrator's powers do not reach it.
        let health = user
            .roles
            .contains(&Role::Health)
            .then(|| ("nav.group.health", vec![("/health", "nav.health")]));
        if !user.reads_union_records() {
            // A judge, a mediator or a doctor sees their own work, nothing of members or money.
            let mut groups = vec![("nav.group.union", vec![("/", "nav.home")])];
            if user.can(Role::Judge) {
                groups.push(("nav.group.contests", money));
            }
            if !rights.is_empty() {
                groups.push(("nav.group.rights", rights));
            }
            groups.extend(health);
            return self.nav_groups(groups);
        }
        let mut groups = vec![(
            "nav.group.union",
            vec![
                ("/", "nav.home"),
                ("/members", "nav.members"),
                ("/orgs", "nav.orgs"),
            ],
        )];
        money.push(("/applications", "nav.applications"));
        if user.can(Role::Reviewer) {
            money.push(("/applications/queue", "nav.queue"));
        }
        money.push(("/funds", "nav.funds"));
        if user.can(Role::Manager) || user.can(Role::Auditor) {
            money.push(("/budget", "nav.budget"));
        }
        groups.push(("nav.group.contests", money));
        rights.push(("/contracts", "nav.contracts"));
        rights.push(("/employers", "nav.employers"));
        groups.push(("nav.group.rights", rights));
        groups.push((
            "nav.group.places",
            vec![
                ("/stations", "nav.stations"),
                ("/stations/totals", "nav.station_totals"),
                ("/places", "nav.places"),
                ("/finder", "nav.finder"),
            ],
        ));
        groups.push((
            "nav.group.care",
            vec![
                ("/care", "nav.care"),
                ("/care/totals", "nav.care_totals"),
                ("/aid", "nav.aid"),
            ],
        ));
        groups.extend(health);
        let mut system = Vec::new();
        if user.is_admin() {
            system.push(("/users", "nav.users"));
        }
        if user.can(Role::Auditor) {
            system.push(("/audit", "nav.audit"));
        }
        if !system.is_empty() {
            groups.push(("nav.group.system", system));
        }
        self.nav_groups(groups)
    }

    fn nav_groups(
        &self,
        groups: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
    ) -> Vec<NavGroup> {
        let current = self.current_nav_href(
            groups
                .iter()
                .flat_map(|(_, items)| items.iter().map(|(href, _)| *href)),
        );
        groups
            .into_iter()
            .map(|(label, items)| NavGroup {
                label: self.t(label),
                items: items
                    .into_iter()
                    .map(|(href, key)| NavItem {
                        href,
                        label: self.t(key),
                        current: Some(href) == current,
                    })
                    .collect(),
            })
            .collect()
    }

    /// The entry the page belongs to: the longest one its path starts with.
    fn current_nav_href<'a>(&self, hrefs: impl Iterator<Item = &'a str>) -> Option<&'a str> {
        hrefs
            .filter(|href| {
                if *href == "/" {
                    self.path == "/"
                } else {
                    self.path == *href
                        || self.path.starts_with(&format!("{href}/"))
                        || self.path.starts_with(&format!("{href}?"))
                }
            })
            .max_by_key(|href| href.len())
    }

    /// Who took a step, as a timeline shows it: the demo's own steps read as the system's set-up.
    pub fn author(&self, name: &str) -> String {
        if name == "seed" {
            self.t("audit.actor.seed").to_string()
        } else {
            name.to_string()
        }
    }

    /// The author of a change made by this request.
    pub fn actor(&self, user: &CurrentUser) -> crate::access::Actor {
        crate::access::Actor::user(user, self.ip.clone())
    }

    /// The flash message's text, if the previous request left one.
    pub fn flash_text(&self) -> Option<String> {
        self.flash.as_ref().map(|flash| flash.text(self.locale))
    }
}

pub struct NavGroup {
    pub label: &'static str,
    pub items: Vec<NavItem>,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::internal("the context middleware did not run"))
    }
}

/// A one-time message shown on the next page (after a redirect). It carries a catalogue key and
/// at most a few numbers for its `{placeholders}`, never free text, so a crafted cookie cannot put
/// words on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub kind: FlashKind,
    pub key: String,
    pub counts: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
}

impl Flash {
    pub fn success(key: &'static str) -> Self {
        Self {
            kind: FlashKind::Success,
            key: key.to_string(),
            counts: Vec::new(),
        }
    }

    pub fn error(key: &'static str) -> Self {
        Self {
            kind: FlashKind::Error,
            key: key.to_string(),
            counts: Vec::new(),
        }
    }

    /// A number for the `{name}` placeholder of the message (e.g. how many a batch decided).
    pub fn with_count(mut self, name: &'static str, value: u64) -> Self {
        self.counts.push((name.to_string(), value));
        self
    }

    /// The message in the visitor's language, its placeholders filled.
    pub fn text(&self, locale: Locale) -> String {
        let mut text = locale.t_dyn(&self.key);
        for (name, value) in &self.counts {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }

    pub fn is_error(&self) -> bool {
        self.kind == FlashKind::Error
    }

    fn decode(value: &str) -> Option<Self> {
        let mut parts = value.splitn(3, ':');
        let kind = match parts.next()? {
            "ok" => FlashKind::Success,
            "err" => FlashKind::Error,
            _ => return None,
        };
        let key = parts.next()?;
        if !i18n::catalogue(Locale::ZhCn).contains_key(key) {
            return None;
        }
        let counts = match parts.next() {
            None => Vec::new(),
            Some(counts) => counts
                .split('&')
                .map(|pair| {
                    let (name, value) = pair.split_once('=')?;
                    let named = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase());
                    named.then_some(())?;
                    Some((name.to_string(), value.parse().ok()?))
                })
                .collect::<Option<Vec<_>>>()?,
        };
        Some(Self {
            kind,
            key: key.to_string(),
            counts,
        })
    }

    /// `kind:key` or `kind:key:name=1&other=2` (all cookie-safe characters).
    fn encode(&self) -> String {
        let kind = match self.kind {
            FlashKind::Success => "ok",
            FlashKind::Error => "err",
        };
        let mut value = format!("{kind}:{}", self.key);
        for (n, (name, count)) in self.counts.iter().enumerate() {
            value.push(if n == 0 { ':' } else { '&' });
            value.push_str(&format!("{name}={count}"));
        }
        value
    }
}

impl IntoResponseParts for Flash {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        // Secure is not needed: the value is a public catalogue key, read once.
        let cookie = cookies::set(
            cookies::FLASH,
            &self.encode(),
            cookies::Lifetime::Seconds(60),
            false,
        );
        res.headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
        Ok(res)
    }
}

/// A redirect that shows `flash` on the page it leads to.
pub fn redirect_with(flash: Flash, to: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (flash, axum::response::Redirect::to(to)).into_response()
}

/// The end of a batch step (several rows ticked, each decided in its own transaction): back to
/// `to` saying how many were done (`all`, with `{count}`), or how many of them were left as they
/// were (`some`, with `{count}` and `{left}`).
pub fn batch_result(
    to: &str,
    (all, some): (&'static str, &'static str),
    done: u64,
    left: u64,
) -> axum::response::Response {
    let flash = if left == 0 {
        Flash::success(all)
    } else {
        Flash::error(some).with_count("left", left)
    };
    redirect_with(flash.with_count("count", done), to)
}

/// The end of every successful change: back to the record, saying it was saved.
pub fn saved(to: &str) -> axum::response::Response {
    redirect_with(Flash::success("flash.saved"), to)
}

/// A local path to go back to after an action, never another site (`//evil` or `https://…`).
pub fn safe_return_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

/// A Content-Disposition for a download named `file_name`, Chinese welcome: RFC 6266's `filename*`
/// in UTF-8 for browsers, and an ASCII `filename` (other characters as `_`) for old clients.
pub fn attachment(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_chinese_download_name_is_encoded_with_a_fallback() {
        assert_eq!(
            super::attachment("会员名单.xlsx"),
            "attachment; filename=\"____.xlsx\"; filename*=UTF-8''%E4%BC%9A%E5%91%98%E5%90%8D%E5%8D%95.xlsx"
        );
    }

    use super::*;

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path(Some("/orgs/3")), "/orgs/3");
        assert_eq!(safe_return_path(Some("//evil.example")), "/");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/");
        assert_eq!(safe_return_path(None), "/");
    }

    #[test]
    fn a_flash_cookie_names_only_catalogue_keys() {
        let flash = Flash::success("flash.signed_out");
        assert_eq!(Flash::decode(&flash.encode()), Some(flash));
        assert_eq!(Flash::decode("ok:<script>"), None);
        let counted = Flash::success("join.batch.approved").with_count("count", 3);
        assert_eq!(Flash::decode(&counted.encode()), Some(counted.clone()));
        assert_eq!(counted.text(Locale::ZhCn), "已通过 3 份入会申请。");
        assert_eq!(Flash::decode("ok:join.batch.approved:count=<b>"), None);
    }
}
