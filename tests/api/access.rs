//! Who may do what, for every route of the app, as one table. A module that adds a route adds its
//! rows here; `every_route_of_the_app_is_in_the_access_table` fails until it does.
//!
//! Expectations per actor: `ok` (200), `allowed` (the action ran or its form was re-shown: 2xx, 422,
//! or a redirect that is not to the sign-in page), `login` (sent to sign in), `403`, `404`,
//! `signout` (a redirect to the sign-in page for everyone). `all=` sets it for every signed-in actor.

use std::collections::HashMap;

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, id_number, join_online, location};

const ACTORS: [&str; 9] = [
    "anonymous",
    "admin",
    "gjz_admin",
    "staff",
    "reviewer",
    "manager",
    "auditor",
    "applicant",
    "judge",
];

/// What `{id}` stands for in a row.
#[derive(Clone, Copy)]
enum Target {
    None,
    /// 大连顺达物流有限公司工会: inside every actor's subtree.
    OwnOrg,
    /// 金州区低空经济行业工会联合会: outside the 甘井子区 accounts' subtree.
    OtherOrg,
    /// The applicant's account, inside 甘井子区.
    OwnUser,
    /// The reviewer's account, at the city federation.
    OtherUser,
    /// A truck driver of 大连顺达物流有限公司工会: inside every actor's subtree.
    OwnMember,
    /// A domestic worker of 金州区友谊社区工会: outside 甘井子区.
    OtherMember,
    /// The code (not id) of 大连顺达物流有限公司工会, for its public joining page.
    OwnOrgCode,
    /// A pending join request to 大连顺达物流有限公司工会.
    OwnJoinRequest,
    /// A pending join request to 金州区友谊社区工会.
    OtherJoinRequest,
    /// A draft application of 红旗街道 or a union below it: inside every actor's subtree.
    OwnApplication,
    /// An application of 金州区友谊社区工会: outside 甘井子区.
    OtherApplication,
    /// The demo's subsidy fund, of the city federation.
    Fund,
    /// A competition of 红旗街道 or a union below it: inside every actor's subtree.
    OwnCompetition,
    /// A competition of 金州区 or a union below it: outside 甘井子区.
    OtherCompetition,
    /// The first event of the own competition (`{id}` and `{event}`).
    OwnEvent,
    /// The first event of the other competition.
    OtherEvent,
    /// The first sub-item of the own competition (`{id}` and `{item}`).
    OwnItem,
    /// The first sub-item of the other competition.
    OtherItem,
    /// A certificate of the demo's building-materials final, the city's: outside 甘井子区.
    OtherCertificate,
    /// An employer kept by 大连顺达物流有限公司工会: inside every actor's subtree.
    OwnEmployer,
    /// An employer kept by 金州区: outside 甘井子区.
    OtherEmployer,
    /// A dispute case just taken in by 大连顺达物流有限公司工会: inside every actor's subtree.
    OwnCase,
    /// A dispute case of 金州区: outside 甘井子区.
    OtherCase,
    /// A supervision letter of 甘井子区's logistics union, not yet delivered: inside every
    /// actor's subtree.
    OwnLetter,
    /// A supervision letter of 金州区: outside 甘井子区.
    OtherLetter,
    /// 大连顺达物流有限公司工会's collective contract (filed): inside every actor's subtree.
    OwnContract,
    /// A collective contract of 金州区: outside 甘井子区.
    OtherContract,
    /// 顺达物流暖心家园, the warm home of 大连顺达物流有限公司工会: inside every actor's subtree.
    OwnStation,
    /// A station of 金州区: outside 甘井子区.
    OtherStation,
    /// A named place the city federation keeps: outside 甘井子区's keeping.
    CityPlace,
    /// The city federation's mobile station and its first route (`{id}` and `{route}`): outside
    /// 甘井子区.
    CityMobile,
    /// 红旗街道's summer care campaign and its first worker reached (`{id}` and `{recipient}`):
    /// inside every actor's subtree.
    OwnCampaign,
    /// The new-employment-form federation's care packages and their first worker: outside 甘井子区.
    OtherCampaign,
    /// 红旗街道's training and its session (`{id}` and `{session}`): inside every actor's subtree.
    OwnSession,
    /// The new-employment-form federation's training and its first session: outside 甘井子区.
    OtherSession,
    /// 红旗街道's mutual-aid plan: inside every actor's subtree.
    OwnPlan,
    /// The new-employment-form federation's plan: outside 甘井子区.
    OtherPlan,
    /// 红旗街道's claim, just filed (fast channel).
    OwnClaim,
    /// A claim of the federation's plan, just filed: outside 甘井子区.
    OtherClaim,
}

struct Row {
    method: &'static str,
    route: &'static str,
    target: Target,
    expect: &'static str,
}

const fn row(
    method: &'static str,
    route: &'static str,
    target: Target,
    expect: &'static str,
) -> Row {
    Row {
        method,
        route,
        target,
        expect,
    }
}

use Target::{
    CityMobile, CityPlace, Fund, None as Plain, OtherApplication, OtherCampaign, OtherCase,
    OtherCertificate, OtherClaim, OtherCompetition, OtherContract, OtherEmployer, OtherEvent,
    OtherItem, OtherJoinRequest, OtherLetter, OtherMember, OtherOrg, OtherPlan, OtherSession,
    OtherStation, OtherUser, OwnApplication, OwnCampaign, OwnCase, OwnClaim, OwnCompetition,
    OwnContract, OwnEmployer, OwnEvent, OwnItem, OwnJoinRequest, OwnLetter, OwnMember, OwnOrg,
    OwnOrgCode, OwnPlan, OwnSession, OwnStation, OwnUser,
};

const ADMINS_ONLY: &str = "anonymous=login all=403 admin=allowed gjz_admin=allowed";
const ADMINS_ONLY_PAGE: &str = "anonymous=login all=403 admin=ok gjz_admin=ok";
const ROOT_ADMIN_ONLY: &str = "anonymous=login all=403 admin=allowed gjz_admin=404";
const AUDITORS_ONLY: &str = "anonymous=login all=403 admin=ok gjz_admin=ok auditor=ok";
/// Union work: administrators and staff act; reviewers, managers and auditors only read.
const STAFF_ACT: &str =
    "anonymous=login all=403 admin=allowed gjz_admin=allowed staff=allowed applicant=allowed";
const STAFF_PAGE: &str = "anonymous=login all=403 admin=ok gjz_admin=ok staff=ok applicant=ok";
/// The same on a record outside 甘井子区: its accounts get 404, the city's read-only roles 403.
const STAFF_PAGE_OUTSIDE: &str =
    "anonymous=login all=403 admin=ok gjz_admin=404 staff=404 applicant=404";
const STAFF_ACT_OUTSIDE: &str =
    "anonymous=login all=403 admin=allowed gjz_admin=404 staff=404 applicant=404";

/// The union's records: every signed-in role reads them in its subtree, but a judge alone, who
/// sees only the competitions they mark.
const READERS: &str = "anonymous=login all=ok judge=403";
const READERS_OUTSIDE: &str =
    "anonymous=login all=ok gjz_admin=404 staff=404 applicant=404 judge=403";

/// Reviewers decide (and administrators); the rest are refused.
const REVIEWERS_PAGE: &str = "anonymous=login all=403 admin=ok gjz_admin=ok reviewer=ok";
const REVIEWERS_ACT: &str =
    "anonymous=login all=403 admin=allowed gjz_admin=allowed reviewer=allowed";
/// The same on an application outside 甘井子区.
const REVIEWERS_ACT_OUTSIDE: &str =
    "anonymous=login all=403 admin=allowed gjz_admin=404 reviewer=allowed";
/// The budget dashboard: managers, auditors and administrators.
const BUDGET_READERS: &str = "anonymous=login all=403 admin=ok gjz_admin=ok manager=ok auditor=ok";
/// A staff action on a part of a competition that does not exist (`{event}` is 0).
const STAFF_ACT_NOTHING: &str =
    "anonymous=login all=403 admin=404 gjz_admin=404 staff=404 applicant=404";
/// Reading a competition: everyone in its subtree but a judge not assigned to it.
const COMPETITION_READERS: &str = "anonymous=login all=ok judge=404";
const COMPETITION_READERS_OUTSIDE: &str =
    "anonymous=login all=ok gjz_admin=404 staff=404 applicant=404 judge=404";

/// Marking: only the event's judges (none of the actors judges it; the demo judge, who judges
/// other events, does not even see it).
const JUDGES_OF_THE_EVENT: &str = "anonymous=login all=403 judge=404";

/// Dispute cases: staff (and mediators) handle them, auditors read them, nobody else sees them.
const CASE_READERS: &str =
    "anonymous=login all=403 admin=ok gjz_admin=ok staff=ok applicant=ok auditor=ok";
const CASE_READERS_OUTSIDE: &str =
    "anonymous=login all=403 admin=ok gjz_admin=404 staff=404 applicant=404 auditor=ok";

/// Moving a fund's money: administrators whose scope holds the fund's organisation.
const FUND_OWNERS: &str = "anonymous=login all=403 admin=allowed gjz_admin=404";

const TABLE: &[Row] = &[
    row("GET", "/healthz", Plain, "anonymous=ok all=ok"),
    row("GET", "/readyz", Plain, "anonymous=ok all=ok"),
    row("GET", "/login", Plain, "anonymous=ok all=allowed"),
    row("POST", "/login", Plain, "anonymous=allowed all=allowed"),
    row("POST", "/logout", Plain, "anonymous=signout all=signout"),
    row("POST", "/language", Plain, "anonymous=allowed all=allowed"),
    row("GET", "/", Plain, "anonymous=login all=ok"),
    row("GET", "/account", Plain, "anonymous=login all=ok"),
    row("GET", "/account/password", Plain, "anonymous=login all=ok"),
    row(
        "POST",
        "/account/password",
        Plain,
        "anonymous=login all=allowed",
    ),
    row(
        "POST",
        "/account/sessions/delete",
        Plain,
        "anonymous=login all=signout",
    ),
    row("GET", "/orgs", Plain, READERS),
    row("GET", "/orgs/new", Plain, ADMINS_ONLY_PAGE),
    row("POST", "/orgs", Plain, ADMINS_ONLY),
    row("GET", "/orgs/{id}", OwnOrg, READERS),
    row("GET", "/orgs/{id}", OtherOrg, READERS_OUTSIDE),
    row("POST", "/orgs/{id}", OwnOrg, ADMINS_ONLY),
    row("POST", "/orgs/{id}", OtherOrg, ROOT_ADMIN_ONLY),
    row("GET", "/orgs/{id}/edit", OwnOrg, ADMINS_ONLY_PAGE),
    row(
        "GET",
        "/orgs/{id}/edit",
        OtherOrg,
        "anonymous=login all=403 admin=ok gjz_admin=404",
    ),
    row("GET", "/orgs/{id}/move", OwnOrg, ADMINS_ONLY_PAGE),
    row("POST", "/orgs/{id}/move", OwnOrg, ADMINS_ONLY),
    row("POST", "/orgs/{id}/move", OtherOrg, ROOT_ADMIN_ONLY),
    row("POST", "/orgs/{id}/closure", OwnOrg, ADMINS_ONLY),
    row("POST", "/orgs/{id}/closure", OtherOrg, ROOT_ADMIN_ONLY),
    row("POST", "/orgs/{id}/reopening", OwnOrg, ADMINS_ONLY),
    row("GET", "/users", Plain, ADMINS_ONLY_PAGE),
    row("GET", "/users/new", Plain, ADMINS_ONLY_PAGE),
    row("POST", "/users", Plain, ADMINS_ONLY),
    row("GET", "/users/{id}", OwnUser, ADMINS_ONLY_PAGE),
    row(
        "GET",
        "/users/{id}",
        OtherUser,
        "anonymous=login all=403 admin=ok gjz_admin=404",
    ),
    row("GET", "/users/{id}/edit", OwnUser, ADMINS_ONLY_PAGE),
    row("POST", "/users/{id}", OwnUser, ADMINS_ONLY),
    row("POST", "/users/{id}", OtherUser, ROOT_ADMIN_ONLY),
    row("POST", "/users/{id}/password-reset", OwnUser, ADMINS_ONLY),
    row(
        "POST",
        "/users/{id}/password-reset",
        OtherUser,
        ROOT_ADMIN_ONLY,
    ),
    row("POST", "/users/{id}/disabling", OwnUser, ADMINS_ONLY),
    row("POST", "/users/{id}/disabling", OtherUser, ROOT_ADMIN_ONLY),
    row("POST", "/users/{id}/enabling", OwnUser, ADMINS_ONLY),
    row("GET", "/members", Plain, READERS),
    row("GET", "/members/new", Plain, STAFF_PAGE),
    row("POST", "/members", Plain, STAFF_ACT),
    row("GET", "/members/{id}", OwnMember, READERS),
    row("GET", "/members/{id}", OtherMember, READERS_OUTSIDE),
    row("POST", "/members/{id}", OwnMember, STAFF_ACT),
    row("POST", "/members/{id}", OtherMember, STAFF_ACT_OUTSIDE),
    row("GET", "/members/{id}/edit", OwnMember, STAFF_PAGE),
    row("GET", "/members/{id}/identity", OwnMember, STAFF_PAGE),
    row(
        "GET",
        "/members/{id}/identity",
        OtherMember,
        STAFF_PAGE_OUTSIDE,
    ),
    row("GET", "/members/{id}/transfer", OwnMember, STAFF_PAGE),
    row(
        "GET",
        "/members/{id}/transfer",
        OtherMember,
        STAFF_PAGE_OUTSIDE,
    ),
    row("POST", "/members/{id}/transfer", OwnMember, STAFF_ACT),
    row("POST", "/members/{id}/lapse", OwnMember, STAFF_ACT),
    row(
        "POST",
        "/members/{id}/lapse",
        OtherMember,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/members/{id}/reinstatement", OwnMember, STAFF_ACT),
    row("GET", "/members/{id}/departure", OwnMember, STAFF_PAGE),
    row(
        "GET",
        "/members/{id}/departure",
        OtherMember,
        STAFF_PAGE_OUTSIDE,
    ),
    row("POST", "/members/{id}/departure", OwnMember, STAFF_ACT),
    row(
        "POST",
        "/members/{id}/departure",
        OtherMember,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/join/status", Plain, "anonymous=ok all=ok"),
    row("GET", "/join/{code}", OwnOrgCode, "anonymous=ok all=ok"),
    row(
        "POST",
        "/join/{code}",
        OwnOrgCode,
        "anonymous=allowed all=allowed",
    ),
    row("GET", "/members/requests", Plain, STAFF_PAGE),
    row("GET", "/members/import", Plain, STAFF_PAGE),
    // A form post, not an upload: the role is checked first, then the form is shown again (422).
    row("POST", "/members/import", Plain, STAFF_ACT),
    row("GET", "/members/imports", Plain, STAFF_PAGE),
    row("GET", "/members/import/template.csv", Plain, READERS),
    row("GET", "/members/import/template.xlsx", Plain, READERS),
    row(
        "GET",
        "/members/import/{id}",
        Plain,
        "anonymous=login all=403 admin=404 gjz_admin=404 staff=404 applicant=404",
    ),
    row(
        "POST",
        "/members/import/{id}",
        Plain,
        "anonymous=login all=403 admin=404 gjz_admin=404 staff=404 applicant=404",
    ),
    row("GET", "/members/export.csv", Plain, READERS),
    row("GET", "/members/export.xlsx", Plain, READERS),
    row(
        "POST",
        "/members/requests/{id}/approval",
        OwnJoinRequest,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/members/requests/{id}/approval",
        OtherJoinRequest,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/members/requests/{id}/decline",
        OwnJoinRequest,
        STAFF_ACT,
    ),
    row("GET", "/orgs/{id}/join-qr", OwnOrg, READERS),
    row("GET", "/orgs/{id}/join-qr", OtherOrg, READERS_OUTSIDE),
    row("GET", "/orgs/{id}/join-qr.png", OwnOrg, READERS),
    row("GET", "/orgs/{id}/join-qr.png", OtherOrg, READERS_OUTSIDE),
    row("GET", "/orgs/{id}/join-qr.svg", OwnOrg, READERS),
    row("POST", "/members/requests/approvals", Plain, STAFF_ACT),
    row("POST", "/members/requests/declines", Plain, STAFF_ACT),
    row("POST", "/orgs/{id}/join-ceremony", OwnOrg, STAFF_ACT),
    row(
        "POST",
        "/orgs/{id}/join-ceremony",
        OtherOrg,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/orgs/{id}/join-ceremony/end", OwnOrg, STAFF_ACT),
    row(
        "POST",
        "/orgs/{id}/join-ceremony/end",
        OtherOrg,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/audit", Plain, AUDITORS_ONLY),
    row("GET", "/budget", Plain, BUDGET_READERS),
    row("GET", "/budget/export.xlsx", Plain, BUDGET_READERS),
    row("GET", "/funds", Plain, READERS),
    row("GET", "/funds/new", Plain, ADMINS_ONLY_PAGE),
    row("POST", "/funds", Plain, ADMINS_ONLY),
    row("GET", "/funds/{id}", Fund, READERS),
    row("POST", "/funds/{id}/appropriations", Fund, FUND_OWNERS),
    row("POST", "/funds/{id}/allocations", Fund, FUND_OWNERS),
    row(
        "POST",
        "/funds/{id}/entries/{entry}/reversal",
        Fund,
        FUND_OWNERS,
    ),
    row("GET", "/tracks", Plain, READERS),
    row("POST", "/tracks", Plain, STAFF_ACT),
    row("GET", "/notices", Plain, "anonymous=login all=ok"),
    row(
        "POST",
        "/notices/read",
        Plain,
        "anonymous=login all=allowed",
    ),
    row("GET", "/applications", Plain, READERS),
    row("GET", "/applications/new", Plain, STAFF_PAGE),
    row("POST", "/applications", Plain, STAFF_ACT),
    row("GET", "/applications/queue", Plain, REVIEWERS_PAGE),
    row("POST", "/applications/approvals", Plain, REVIEWERS_ACT),
    row("POST", "/applications/returns", Plain, REVIEWERS_ACT),
    row("GET", "/applications/{id}", OwnApplication, READERS),
    row(
        "GET",
        "/applications/{id}",
        OtherApplication,
        READERS_OUTSIDE,
    ),
    row("POST", "/applications/{id}", OwnApplication, STAFF_ACT),
    row(
        "POST",
        "/applications/{id}",
        OtherApplication,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/applications/{id}/edit", OwnApplication, STAFF_PAGE),
    row(
        "POST",
        "/applications/{id}/submission",
        OwnApplication,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/applications/{id}/submission",
        OtherApplication,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/applications/{id}/withdrawal",
        OwnApplication,
        STAFF_ACT,
    ),
    row(
        "GET",
        "/applications/{id}/report",
        OwnApplication,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/applications/{id}/report",
        OwnApplication,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/applications/{id}/attachments",
        OwnApplication,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/applications/{id}/attachments",
        OtherApplication,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "GET",
        "/applications/{id}/attachments/{file}",
        OwnApplication,
        "anonymous=login all=404 judge=403",
    ),
    row(
        "POST",
        "/applications/{id}/attachments/{file}/deletion",
        OwnApplication,
        "anonymous=login all=403 admin=404 gjz_admin=404 staff=404 applicant=404",
    ),
    row(
        "POST",
        "/applications/{id}/review",
        OwnApplication,
        REVIEWERS_ACT,
    ),
    row(
        "POST",
        "/applications/{id}/review",
        OtherApplication,
        REVIEWERS_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/applications/{id}/return",
        OwnApplication,
        REVIEWERS_ACT,
    ),
    row(
        "POST",
        "/applications/{id}/approval",
        OwnApplication,
        REVIEWERS_ACT,
    ),
    row(
        "POST",
        "/applications/{id}/approval",
        OtherApplication,
        REVIEWERS_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/applications/{id}/rejection",
        OwnApplication,
        REVIEWERS_ACT,
    ),
    row(
        "POST",
        "/applications/{id}/settlement",
        OwnApplication,
        REVIEWERS_ACT,
    ),
    row(
        "POST",
        "/applications/{id}/cancellation",
        OwnApplication,
        REVIEWERS_ACT,
    ),
    row("GET", "/competitions", Plain, "anonymous=login all=ok"),
    row("GET", "/competitions/new", Plain, STAFF_PAGE),
    row("POST", "/competitions", Plain, STAFF_ACT),
    row(
        "GET",
        "/competitions/{id}",
        OwnCompetition,
        COMPETITION_READERS,
    ),
    row(
        "GET",
        "/competitions/{id}",
        OtherCompetition,
        COMPETITION_READERS_OUTSIDE,
    ),
    row("POST", "/competitions/{id}", OwnCompetition, STAFF_ACT),
    row(
        "POST",
        "/competitions/{id}",
        OtherCompetition,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/competitions/{id}/edit", OwnCompetition, STAFF_PAGE),
    row(
        "POST",
        "/competitions/{id}/registration-opening",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/registration-closing",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/start",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/marking-end",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/cancellation",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/cancellation",
        OtherCompetition,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/events",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/events",
        OtherCompetition,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/parts",
        OwnCompetition,
        STAFF_ACT_NOTHING,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/items",
        OwnCompetition,
        STAFF_ACT_NOTHING,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/deletion",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/parts/{part}/deletion",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/items/{item}/deletion",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}",
        OwnEvent,
        COMPETITION_READERS,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}",
        OtherEvent,
        COMPETITION_READERS_OUTSIDE,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}",
        OwnCompetition,
        "anonymous=login all=404",
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/rules",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/rules",
        OtherEvent,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/contestants",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/contestants",
        OtherEvent,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}/contestants/template.csv",
        OwnEvent,
        STAFF_PAGE,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}/contestants/template.csv",
        OtherEvent,
        STAFF_PAGE_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/contestants/file",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/contestants/file",
        OtherEvent,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/contestants/file/confirmation",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/contestants/file/confirmation",
        OtherEvent,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/seating",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/contestants/{contestant}/withdrawal",
        OwnCompetition,
        STAFF_ACT_NOTHING,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/judges",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/judges",
        OtherEvent,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/judges/{judge}/deletion",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/judges/{judge}/chief",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/judges/{judge}/items",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "GET",
        "/competitions/{id}/items/{item}/marks",
        OwnItem,
        COMPETITION_READERS,
    ),
    row(
        "GET",
        "/competitions/{id}/items/{item}/marks",
        OtherItem,
        COMPETITION_READERS_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/items/{item}/marks",
        OwnItem,
        JUDGES_OF_THE_EVENT,
    ),
    row(
        "POST",
        "/competitions/{id}/items/{item}/lock",
        OwnItem,
        JUDGES_OF_THE_EVENT,
    ),
    row(
        "POST",
        "/competitions/{id}/items/{item}/unlock",
        OwnItem,
        JUDGES_OF_THE_EVENT,
    ),
    row(
        "POST",
        "/competitions/{id}/publication",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}/results",
        OwnEvent,
        COMPETITION_READERS,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}/results",
        OtherEvent,
        COMPETITION_READERS_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/awards",
        OwnEvent,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/events/{event}/awards",
        OtherEvent,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}/certificates",
        OwnEvent,
        COMPETITION_READERS,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}/certificates",
        OtherEvent,
        COMPETITION_READERS_OUTSIDE,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}/certificates/print",
        OwnEvent,
        COMPETITION_READERS,
    ),
    row(
        "GET",
        "/competitions/{id}/events/{event}/certificates/print",
        OtherEvent,
        COMPETITION_READERS_OUTSIDE,
    ),
    row(
        "GET",
        "/competitions/{id}/certificates/{certificate}",
        OtherCertificate,
        // The demo judge judges the final, so sees its certificates.
        "anonymous=login all=ok gjz_admin=404 staff=404 applicant=404",
    ),
    row(
        "POST",
        "/competitions/{id}/certificates/{certificate}/revocation",
        OtherCertificate,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/employers", Plain, READERS),
    row("GET", "/employers/new", Plain, STAFF_PAGE),
    row("POST", "/employers", Plain, STAFF_ACT),
    row("GET", "/employers/{id}", OwnEmployer, READERS),
    row("GET", "/employers/{id}", OtherEmployer, READERS_OUTSIDE),
    row("GET", "/employers/{id}/edit", OwnEmployer, STAFF_PAGE),
    row(
        "GET",
        "/employers/{id}/edit",
        OtherEmployer,
        STAFF_PAGE_OUTSIDE,
    ),
    row("POST", "/employers/{id}", OwnEmployer, STAFF_ACT),
    row("POST", "/employers/{id}", OtherEmployer, STAFF_ACT_OUTSIDE),
    row("GET", "/disputes", Plain, CASE_READERS),
    row("GET", "/disputes/new", Plain, STAFF_PAGE),
    row("POST", "/disputes", Plain, STAFF_ACT),
    row("GET", "/disputes/{id}", OwnCase, CASE_READERS),
    row("GET", "/disputes/{id}", OtherCase, CASE_READERS_OUTSIDE),
    // A case not closed by agreement has no agreement to print.
    row(
        "GET",
        "/disputes/{id}/agreement",
        OwnCase,
        "anonymous=login all=403 admin=404 gjz_admin=404 staff=404 applicant=404 auditor=404",
    ),
    // 顺达's collective case has a dispatched driver who is not a member: his numbers, audited.
    row("GET", "/disputes/{id}/identity", OwnCase, STAFF_PAGE),
    row(
        "GET",
        "/disputes/{id}/identity",
        OtherCase,
        STAFF_PAGE_OUTSIDE,
    ),
    row("POST", "/disputes/{id}/acceptance", OwnCase, STAFF_ACT),
    row(
        "POST",
        "/disputes/{id}/acceptance",
        OtherCase,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/disputes/{id}/reassignment", OwnCase, STAFF_ACT),
    row("POST", "/disputes/{id}/rounds", OwnCase, STAFF_ACT),
    row(
        "POST",
        "/disputes/{id}/rounds",
        OtherCase,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/disputes/{id}/extension", OwnCase, STAFF_ACT),
    row("POST", "/disputes/{id}/closure", OwnCase, STAFF_ACT),
    row("POST", "/disputes/{id}/instalments", OwnCase, STAFF_ACT),
    row("POST", "/disputes/{id}/payments", OwnCase, STAFF_ACT),
    row("POST", "/disputes/{id}/workers", OwnCase, STAFF_ACT),
    row("GET", "/disputes/{id}/record", OwnCase, CASE_READERS),
    row(
        "GET",
        "/disputes/{id}/record",
        OtherCase,
        CASE_READERS_OUTSIDE,
    ),
    row("POST", "/disputes/{id}/evidence", OwnCase, STAFF_ACT),
    row(
        "POST",
        "/disputes/{id}/evidence",
        OtherCase,
        STAFF_ACT_OUTSIDE,
    ),
    // File 0 does not exist: readers of the case learn only that.
    row(
        "GET",
        "/disputes/{id}/evidence/{file}",
        OwnCase,
        "anonymous=login all=403 admin=404 gjz_admin=404 staff=404 applicant=404 auditor=404",
    ),
    row(
        "POST",
        "/disputes/{id}/evidence/{file}/deletion",
        OwnCase,
        "anonymous=login all=403 admin=404 gjz_admin=404 staff=404 applicant=404",
    ),
    row("GET", "/stations", Plain, READERS),
    row("GET", "/stations/new", Plain, STAFF_PAGE),
    row("POST", "/stations", Plain, STAFF_ACT),
    row("GET", "/stations/{id}", OwnStation, READERS),
    row("GET", "/stations/{id}", OtherStation, READERS_OUTSIDE),
    row("POST", "/stations/{id}", OwnStation, STAFF_ACT),
    row("POST", "/stations/{id}", OtherStation, STAFF_ACT_OUTSIDE),
    row("GET", "/stations/{id}/edit", OwnStation, STAFF_PAGE),
    row(
        "GET",
        "/stations/{id}/edit",
        OtherStation,
        STAFF_PAGE_OUTSIDE,
    ),
    row("POST", "/stations/{id}/services", OwnStation, STAFF_ACT),
    row(
        "POST",
        "/stations/{id}/services",
        OtherStation,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/stations/{id}/closure", OwnStation, STAFF_ACT),
    row(
        "POST",
        "/stations/{id}/closure",
        OtherStation,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/stations/{id}/reopening", OwnStation, STAFF_ACT),
    row(
        "POST",
        "/stations/{id}/reopening",
        OtherStation,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/stations/coverage", Plain, READERS),
    row("GET", "/stations/totals", Plain, READERS),
    row("GET", "/stations/totals.xlsx", Plain, READERS),
    row("GET", "/places", Plain, READERS),
    row("POST", "/places", Plain, STAFF_ACT),
    row(
        "POST",
        "/places/{id}/deletion",
        CityPlace,
        "anonymous=login all=403 admin=allowed gjz_admin=404 staff=404 applicant=404",
    ),
    row(
        "GET",
        "/stations/{id}/routes/new",
        CityMobile,
        "anonymous=login all=403 admin=ok gjz_admin=404 staff=404 applicant=404",
    ),
    row(
        "POST",
        "/stations/{id}/routes",
        CityMobile,
        "anonymous=login all=403 admin=allowed gjz_admin=404 staff=404 applicant=404",
    ),
    row(
        "GET",
        "/stations/{id}/routes/{route}",
        CityMobile,
        READERS_OUTSIDE,
    ),
    row(
        "POST",
        "/stations/{id}/routes/{route}/visits",
        CityMobile,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/care", Plain, READERS),
    row("GET", "/care/new", Plain, STAFF_PAGE),
    row("GET", "/care/totals", Plain, READERS),
    row("GET", "/care/totals.xlsx", Plain, READERS),
    row("POST", "/care", Plain, STAFF_ACT),
    row("GET", "/care/{id}", OwnCampaign, READERS),
    row("GET", "/care/{id}", OtherCampaign, READERS_OUTSIDE),
    row("POST", "/care/{id}", OwnCampaign, STAFF_ACT),
    row("POST", "/care/{id}", OtherCampaign, STAFF_ACT_OUTSIDE),
    row("GET", "/care/{id}/edit", OwnCampaign, STAFF_PAGE),
    row("POST", "/care/{id}/settlement", OwnCampaign, STAFF_ACT),
    row(
        "POST",
        "/care/{id}/settlement",
        OtherCampaign,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/care/{id}/edit", OtherCampaign, STAFF_PAGE_OUTSIDE),
    row("POST", "/care/{id}/recipients", OwnCampaign, STAFF_ACT),
    row(
        "POST",
        "/care/{id}/recipients",
        OtherCampaign,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/care/{id}/recipients/file", OwnCampaign, STAFF_ACT),
    row(
        "POST",
        "/care/{id}/recipients/file",
        OtherCampaign,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "GET",
        "/care/{id}/recipients/template.csv",
        OwnCampaign,
        STAFF_PAGE,
    ),
    row(
        "GET",
        "/care/{id}/recipients/template.csv",
        OtherCampaign,
        STAFF_PAGE_OUTSIDE,
    ),
    row(
        "POST",
        "/care/{id}/recipients/{recipient}/deletion",
        OwnCampaign,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/care/{id}/recipients/{recipient}/deletion",
        OtherCampaign,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/care/{id}/sessions", OwnCampaign, STAFF_ACT),
    row(
        "POST",
        "/care/{id}/sessions",
        OtherCampaign,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/care/{id}/sessions/{session}", OwnSession, READERS),
    row(
        "GET",
        "/care/{id}/sessions/{session}",
        OtherSession,
        READERS_OUTSIDE,
    ),
    row(
        "POST",
        "/care/{id}/sessions/{session}/attendance",
        OwnSession,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/care/{id}/sessions/{session}/attendance",
        OtherSession,
        STAFF_ACT_OUTSIDE,
    ),
    // A training has no notes: the counsellor of a counselling session alone writes them.
    row(
        "POST",
        "/care/{id}/sessions/{session}/notes",
        OwnSession,
        "anonymous=login all=403",
    ),
    row(
        "POST",
        "/care/{id}/sessions/{session}/notes",
        OtherSession,
        "anonymous=login all=403 gjz_admin=404 staff=404 applicant=404",
    ),
    row("GET", "/aid", Plain, READERS),
    row("GET", "/aid/new", Plain, STAFF_PAGE),
    row("POST", "/aid", Plain, STAFF_ACT),
    row("GET", "/aid/claims", Plain, READERS),
    row("GET", "/aid/{id}", OwnPlan, READERS),
    row("GET", "/aid/{id}", OtherPlan, READERS_OUTSIDE),
    row("POST", "/aid/{id}/enrolments", OwnPlan, STAFF_ACT),
    row("POST", "/aid/{id}/enrolments", OtherPlan, STAFF_ACT_OUTSIDE),
    row("GET", "/aid/{id}/claims/new", OwnPlan, STAFF_PAGE),
    row("GET", "/aid/{id}/claims/new", OtherPlan, STAFF_PAGE_OUTSIDE),
    row("POST", "/aid/{id}/claims", OwnPlan, STAFF_ACT),
    row("POST", "/aid/{id}/claims", OtherPlan, STAFF_ACT_OUTSIDE),
    row("GET", "/aid/claims/{claim}", OwnClaim, READERS),
    row("GET", "/aid/claims/{claim}", OtherClaim, READERS_OUTSIDE),
    row(
        "POST",
        "/aid/claims/{claim}/document-request",
        OwnClaim,
        REVIEWERS_ACT,
    ),
    row(
        "POST",
        "/aid/claims/{claim}/document-request",
        OtherClaim,
        REVIEWERS_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/aid/claims/{claim}/approval",
        OwnClaim,
        REVIEWERS_ACT,
    ),
    row(
        "POST",
        "/aid/claims/{claim}/approval",
        OtherClaim,
        REVIEWERS_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/aid/claims/{claim}/declining",
        OwnClaim,
        REVIEWERS_ACT,
    ),
    row(
        "POST",
        "/aid/claims/{claim}/declining",
        OtherClaim,
        REVIEWERS_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/aid/claims/{claim}/document-receipt",
        OwnClaim,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/aid/claims/{claim}/document-receipt",
        OtherClaim,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/aid/claims/{claim}/documents", OwnClaim, STAFF_ACT),
    row(
        "POST",
        "/aid/claims/{claim}/documents",
        OtherClaim,
        STAFF_ACT_OUTSIDE,
    ),
    // File 0 does not exist: readers of the claim learn only that.
    row(
        "GET",
        "/aid/claims/{claim}/documents/{file}",
        OwnClaim,
        "anonymous=login all=404 judge=403",
    ),
    row(
        "GET",
        "/aid/claims/{claim}/documents/{file}",
        OtherClaim,
        "anonymous=login all=404 judge=403",
    ),
    row(
        "POST",
        "/aid/claims/{claim}/documents/{file}/deletion",
        OwnClaim,
        STAFF_ACT_NOTHING,
    ),
    row("POST", "/aid/claims/{claim}/payment", OwnClaim, STAFF_ACT),
    row(
        "POST",
        "/aid/claims/{claim}/payment",
        OtherClaim,
        STAFF_ACT_OUTSIDE,
    ),
    // Health data: the `health` role only (none of these actors, an administrator included).
    row("GET", "/health", Plain, "anonymous=login all=403"),
    row(
        "GET",
        "/health/checkups/new",
        Plain,
        "anonymous=login all=403",
    ),
    row("POST", "/health/checkups", Plain, "anonymous=login all=403"),
    row("GET", "/health/ranges", Plain, "anonymous=login all=403"),
    row("POST", "/health/ranges", Plain, "anonymous=login all=403"),
    row(
        "GET",
        "/health/members/{id}",
        OwnMember,
        "anonymous=login all=403",
    ),
    row(
        "POST",
        "/health/alerts/{id}/closure",
        OwnMember,
        "anonymous=login all=403",
    ),
    // The finder is public: a worker needs no account.
    row("GET", "/finder", Plain, "anonymous=ok all=ok"),
    row("GET", "/contracts", Plain, READERS),
    row("GET", "/contracts/new", Plain, STAFF_PAGE),
    row("POST", "/contracts", Plain, STAFF_ACT),
    row("GET", "/contracts/{id}", OwnContract, READERS),
    row("GET", "/contracts/{id}", OtherContract, READERS_OUTSIDE),
    row("POST", "/contracts/{id}/filing", OwnContract, STAFF_ACT),
    row(
        "POST",
        "/contracts/{id}/filing",
        OtherContract,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/disputes/statistics", Plain, CASE_READERS),
    row("GET", "/disputes/statistics.xlsx", Plain, CASE_READERS),
    row("GET", "/letters", Plain, CASE_READERS),
    row("GET", "/letters/new", Plain, STAFF_PAGE),
    row("POST", "/letters", Plain, STAFF_ACT),
    row("GET", "/letters/{id}", OwnLetter, CASE_READERS),
    row("GET", "/letters/{id}", OtherLetter, CASE_READERS_OUTSIDE),
    row("GET", "/letters/{id}/print", OwnLetter, CASE_READERS),
    row(
        "GET",
        "/letters/{id}/print",
        OtherLetter,
        CASE_READERS_OUTSIDE,
    ),
    row("POST", "/letters/{id}/delivery", OwnLetter, STAFF_ACT),
    row(
        "POST",
        "/letters/{id}/delivery",
        OtherLetter,
        STAFF_ACT_OUTSIDE,
    ),
    row("POST", "/letters/{id}/reply", OwnLetter, STAFF_ACT),
    row(
        "POST",
        "/letters/{id}/reply",
        OtherLetter,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/disputes/{id}/workers",
        OtherCase,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/disputes/{id}/payments",
        OtherCase,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/disputes/{id}/closure",
        OtherCase,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/verify", Plain, "anonymous=ok all=ok"),
    row("GET", "/verify/{serial}", Plain, "anonymous=ok all=ok"),
    row(
        "GET",
        "/competitions/{id}/recommendations",
        OwnCompetition,
        COMPETITION_READERS,
    ),
    row(
        "GET",
        "/competitions/{id}/recommendations",
        OtherCompetition,
        COMPETITION_READERS_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/recommendations",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/recommendations",
        OtherCompetition,
        STAFF_ACT_OUTSIDE,
    ),
    row(
        "POST",
        "/competitions/{id}/recommendations/{recommendation}/submission",
        OwnCompetition,
        STAFF_ACT_NOTHING,
    ),
    row(
        "POST",
        "/competitions/{id}/recommendations/{recommendation}/grant",
        OwnCompetition,
        STAFF_ACT_NOTHING,
    ),
    row(
        "POST",
        "/competitions/{id}/recommendations/{recommendation}/decline",
        OwnCompetition,
        STAFF_ACT_NOTHING,
    ),
    // Statistics: everyone who reads a subtree's competitions; a judge alone does not.
    row(
        "GET",
        "/competitions/statistics",
        Plain,
        "anonymous=login all=ok judge=403",
    ),
    row(
        "GET",
        "/competitions/statistics.xlsx",
        Plain,
        "anonymous=login all=ok judge=403",
    ),
    row(
        "GET",
        "/competitions/{id}/participation",
        OwnCompetition,
        STAFF_PAGE,
    ),
    row(
        "GET",
        "/competitions/{id}/participation",
        OtherCompetition,
        "anonymous=login all=403 admin=ok gjz_admin=404 staff=404 applicant=404",
    ),
    row(
        "POST",
        "/competitions/{id}/participation",
        OwnCompetition,
        STAFF_ACT,
    ),
    row(
        "POST",
        "/competitions/{id}/participation",
        OtherCompetition,
        STAFF_ACT_OUTSIDE,
    ),
    row("GET", "/audit/export.csv", Plain, AUDITORS_ONLY),
];

fn expectations(spec: &str) -> HashMap<&'static str, String> {
    let pairs: Vec<(&str, &str)> = spec
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .collect();
    let default = pairs
        .iter()
        .find(|(actor, _)| *actor == "all")
        .map(|(_, e)| e.to_string());
    ACTORS
        .iter()
        .map(|actor| {
            let own = pairs
                .iter()
                .find(|(a, _)| a == actor)
                .map(|(_, e)| e.to_string());
            let expected =
                own.or_else(|| (*actor != "anonymous").then(|| default.clone()).flatten());
            (
                *actor,
                expected.unwrap_or_else(|| panic!("no expectation for {actor} in `{spec}`")),
            )
        })
        .collect()
}

fn matches(expected: &str, status: StatusCode, to: &str) -> bool {
    let to_login = status == StatusCode::SEE_OTHER && to.starts_with("/login");
    match expected {
        "ok" => status == StatusCode::OK,
        "allowed" => {
            (status.is_success()
                || status == StatusCode::UNPROCESSABLE_ENTITY
                || status.is_redirection())
                && !to_login
        }
        "login" | "signout" => to_login,
        "403" => status == StatusCode::FORBIDDEN,
        "404" => status == StatusCode::NOT_FOUND,
        other => panic!("unknown expectation {other}"),
    }
}

async fn id_of(app: &TestApp, target: Target) -> Option<String> {
    let (sql, key) = match target {
        Target::None => return None,
        Target::OwnOrgCode => return Some("DL-GJZ-HQ-SD".into()),
        Target::OwnJoinRequest | Target::OtherJoinRequest => {
            let code = if matches!(target, Target::OwnJoinRequest) {
                "DL-GJZ-HQ-SD"
            } else {
                "DL-JZ-SQ"
            };
            let worker = app.browser();
            let response = join_online(
                &worker,
                code,
                "路人",
                &id_number("19950505", 321),
                "13900001111",
            )
            .await;
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "the join request is made"
            );
            (
                "select max(id) from join_requests where reference <> $1",
                "",
            )
        }
        Target::OwnApplication => (
            "select min(a.id) from applications a join organisations o on o.id = a.organisation_id
             where o.path <@ (select path from organisations where code = $1) and a.status = 'draft'",
            "DL-GJZ-HQ",
        ),
        Target::OtherApplication => (
            "select min(a.id) from applications a join organisations o on o.id = a.organisation_id where o.code = $1",
            "DL-JZ-SQ",
        ),
        Target::Fund => (
            "select id from funds where name like '%' || $1 order by id limit 1",
            "专项补贴资金",
        ),
        Target::OwnCompetition | Target::OtherCompetition => (
            "select min(c.id) from competitions c join organisations o on o.id = c.organisation_id
             where o.path <@ (select path from organisations where code = $1)",
            if matches!(target, Target::OwnCompetition) {
                "DL-GJZ-HQ"
            } else {
                "DL-JZ"
            },
        ),
        Target::OwnEvent | Target::OtherEvent => {
            let code = if matches!(target, Target::OwnEvent) {
                "DL-GJZ-HQ"
            } else {
                "DL-JZ"
            };
            let (competition, event): (i64, i64) = sqlx::query_as(
                "select c.id, min(e.id) from competitions c
                 join organisations o on o.id = c.organisation_id
                 join competition_events e on e.competition_id = c.id
                 where o.path <@ (select path from organisations where code = $1)
                 group by c.id order by c.id limit 1",
            )
            .bind(code)
            .fetch_one(&app.db)
            .await
            .unwrap();
            return Some(format!("{competition}:{event}"));
        }
        Target::OtherCertificate => {
            let (competition, certificate): (i64, i64) =
                sqlx::query_as("select competition_id, min(id) from certificates group by 1")
                    .fetch_one(&app.db)
                    .await
                    .unwrap();
            return Some(format!("{competition}:::{certificate}"));
        }
        Target::OwnItem | Target::OtherItem => {
            let code = if matches!(target, Target::OwnItem) {
                "DL-GJZ-HQ"
            } else {
                "DL-JZ"
            };
            let (competition, item): (i64, i64) = sqlx::query_as(
                "select c.id, min(i.id) from competitions c
                 join organisations o on o.id = c.organisation_id
                 join competition_events e on e.competition_id = c.id
                 join event_parts p on p.event_id = e.id
                 join event_items i on i.part_id = p.id
                 where o.path <@ (select path from organisations where code = $1)
                 group by c.id order by c.id limit 1",
            )
            .bind(code)
            .fetch_one(&app.db)
            .await
            .unwrap();
            return Some(format!("{competition}::{item}"));
        }
        Target::OwnCampaign | Target::OtherCampaign => {
            let own = matches!(target, Target::OwnCampaign);
            return Some(campaign_and_first(app, own, "care_recipients").await);
        }
        Target::OwnSession | Target::OtherSession => {
            let own = matches!(target, Target::OwnSession);
            return Some(campaign_and_first(app, own, "care_sessions").await);
        }
        Target::OwnPlan | Target::OtherPlan => (
            "select min(p.id) from aid_plans p join organisations o on o.id = p.organisation_id
             where o.code = $1",
            if matches!(target, Target::OwnPlan) {
                "DL-GJZ-HQ"
            } else {
                "DL-XJY"
            },
        ),
        Target::OwnClaim | Target::OtherClaim => (
            "select max(c.id) from aid_claims c join organisations o on o.id = c.organisation_id
             where o.code = $1 and c.status = 'filed'",
            if matches!(target, Target::OwnClaim) {
                "DL-GJZ-HQ"
            } else {
                "DL-XJY"
            },
        ),
        Target::OwnOrg => (
            "select id from organisations where code = $1",
            "DL-GJZ-HQ-SD",
        ),
        Target::OwnCase | Target::OtherCase => (
            "select min(c.id) from dispute_cases c join organisations o on o.id = c.organisation_id
             where o.code = $1",
            if matches!(target, Target::OwnCase) {
                "DL-GJZ-HQ-SD"
            } else {
                "DL-JZ"
            },
        ),
        Target::OwnContract | Target::OtherContract => (
            "select min(c.id) from collective_contracts c
             join organisations o on o.id = c.organisation_id where o.code = $1",
            if matches!(target, Target::OwnContract) {
                "DL-GJZ-HQ-SD"
            } else {
                "DL-JZ"
            },
        ),
        Target::CityMobile => {
            let (station, route): (i64, i64) = sqlx::query_as(
                "select s.id, min(r.id) from stations s join station_routes r on r.station_id = s.id
                 where s.kind = 'mobile' group by s.id",
            )
            .fetch_one(&app.db)
            .await
            .unwrap();
            return Some(format!("{station}:{route}"));
        }
        Target::CityPlace => (
            "select max(p.id) from places p
             join organisations o on o.id = p.organisation_id where o.code = $1",
            "DL",
        ),
        Target::OwnStation | Target::OtherStation => (
            "select min(s.id) from stations s
             join organisations o on o.id = s.organisation_id where o.code = $1",
            if matches!(target, Target::OwnStation) {
                "DL-GJZ-HQ-SD"
            } else {
                "DL-JZ"
            },
        ),
        Target::OwnLetter | Target::OtherLetter => (
            "select min(l.id) from supervision_letters l
             join organisations o on o.id = l.organisation_id where o.code = $1",
            if matches!(target, Target::OwnLetter) {
                "DL-GJZ-HQ"
            } else {
                "DL-JZ"
            },
        ),
        Target::OwnEmployer | Target::OtherEmployer => (
            "select min(e.id) from employers e join organisations o on o.id = e.organisation_id
             where o.code = $1",
            if matches!(target, Target::OwnEmployer) {
                "DL-GJZ-HQ-SD"
            } else {
                "DL-JZ"
            },
        ),
        Target::OtherOrg => ("select id from organisations where code = $1", "DL-JZ-DK"),
        Target::OwnUser => ("select id from users where username = $1", "applicant"),
        Target::OtherUser => ("select id from users where username = $1", "reviewer"),
        Target::OwnMember => (
            "select min(m.id) from members m join organisations o on o.id = m.organisation_id where o.code = $1",
            "DL-GJZ-HQ-SD",
        ),
        Target::OtherMember => (
            "select min(m.id) from members m join organisations o on o.id = m.organisation_id where o.code = $1",
            "DL-JZ-SQ",
        ),
    };
    let id: i64 = sqlx::query_scalar(sql)
        .bind(key)
        .fetch_one(&app.db)
        .await
        .unwrap();
    Some(id.to_string())
}

/// "campaign:row": a care campaign of 红旗街道 (own) or of the new-employment-form federation
/// (other) that has rows in `table` (its workers, its sessions), and its first row.
async fn campaign_and_first(app: &TestApp, own: bool, table: &str) -> String {
    let code = if own { "DL-GJZ-HQ" } else { "DL-XJY" };
    let (campaign, row): (i64, i64) = sqlx::query_as(&format!(
        "select c.id, min(t.id) from care_campaigns c
         join organisations o on o.id = c.organisation_id
         join {table} t on t.campaign_id = c.id
         where o.code = $1 and c.settled_on is null group by c.id order by c.id limit 1"
    ))
    .bind(code)
    .fetch_one(&app.db)
    .await
    .unwrap();
    format!("{campaign}:{row}")
}

#[tokio::test]
async fn each_role_gets_exactly_what_it_may_do_on_every_route() {
    let mut failures = Vec::new();
    for row in TABLE {
        // A fresh app per row: an allowed action must not change what the next row sees.
        let app = TestApp::spawn().await;
        app.add_district_admin().await;
        let path = match id_of(&app, row.target).await {
            Some(id) => {
                // An event's or item's target names its competition too: "competition:event:item".
                let mut parts = id.split(':');
                let id = parts.next().unwrap_or_default();
                let event = parts.next().filter(|e| !e.is_empty()).unwrap_or("0");
                let item = parts.next().filter(|i| !i.is_empty()).unwrap_or("0");
                let certificate = parts.next().unwrap_or("0");
                row.route
                    .replace("{certificate}", certificate)
                    .replace("{id}", id)
                    .replace("{event}", event)
                    .replace("{route}", event)
                    .replace("{recipient}", event)
                    .replace("{session}", event)
                    .replace("{claim}", id)
                    .replace("{item}", item)
                    .replace("{contestant}", "0")
                    .replace("{judge}", "0")
                    .replace("{recommendation}", "0")
                    .replace("{code}", id)
                    .replace("{file}", "0")
                    .replace("{entry}", "0")
                    .replace("{part}", "0")
            }
            // An upload of nobody's: every id-only route must answer 404 for it, never 500.
            None => row
                .route
                .replace("{id}", "0f0e0d0c-0b0a-4908-8706-050403020100"),
        };
        let expected = expectations(row.expect);
        // Refusals first, so an allowed action (a disable, a reset) cannot mask them.
        let mut order: Vec<&str> = ACTORS.to_vec();
        order.sort_by_key(|actor| matches!(expected[actor].as_str(), "allowed" | "signout"));
        for actor in order {
            let browser = if actor == "anonymous" {
                app.browser()
            } else {
                app.signed_in(actor).await
            };
            let response = send(&browser, row.method, &path).await;
            let status = response.status();
            let to = location(&response);
            if !matches(&expected[actor], status, &to) {
                failures.push(format!(
                    "{} {} as {actor}: expected {}, got {status} {to}",
                    row.method, row.route, expected[actor]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "access table mismatches:\n{}",
        failures.join("\n")
    );
}

async fn send(browser: &Browser, method: &str, path: &str) -> reqwest::Response {
    match method {
        "GET" => browser.get(path).await,
        "POST" => browser.post_form(path, &[]).await,
        other => panic!("no such method in the table: {other}"),
    }
}

#[test]
fn every_route_of_the_app_is_in_the_access_table() {
    let mut missing = Vec::new();
    for (method, route) in routes_in_source() {
        if !TABLE
            .iter()
            .any(|row| row.method == method && row.route == route)
        {
            missing.push(format!("{method} {route}"));
        }
    }
    assert!(
        missing.is_empty(),
        "routes with no row in tests/api/access.rs: {missing:?}"
    );
}

/// Every `.route("path", get(..).post(..))` in the sources, as (method, path) pairs.
fn routes_in_source() -> Vec<(String, String)> {
    let mut routes = Vec::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for call in text.split(".route(").skip(1) {
                let Some(route) = call
                    .strip_prefix('"')
                    .and_then(|rest| rest.split('"').next())
                else {
                    continue;
                };
                let handlers = inside_parentheses(call);
                for method in ["get", "post", "put", "patch", "delete"] {
                    if handlers.contains(&format!("{method}(")) {
                        routes.push((method.to_uppercase(), route.to_string()));
                    }
                }
            }
        }
    }
    assert!(
        routes.len() > 20,
        "the route scan found too few routes: {routes:?}"
    );
    routes
}

/// The text of a call's arguments: up to the `)` that closes the `(` before `text`.
fn inside_parentheses(text: &str) -> &str {
    let mut depth = 1;
    for (index, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return &text[..index];
        }
    }
    text
}
