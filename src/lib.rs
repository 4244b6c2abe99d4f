//! 工会通 gonghui: the work of a city federation of trade unions and the unions below it.

/// Who is asking: roles, the signed-in user, scopes, role extractors, the author of a change.
pub mod access;
/// Mutual-aid insurance: plans, members enrolled, claims with the fast channel.
pub mod aid;
/// The router with every module, its middleware layers, and serving with graceful shutdown.
pub mod app;
/// Contest applications: filing, review, approval, final report and settlement.
pub mod applications;
/// Files attached to records: checked by content, kept in PostgreSQL, served through their owner.
pub mod attachments;
/// The audit trail: every change, who made it, before and after.
pub mod audit;
/// Signing in and out, sessions, one's own password and language.
pub mod auth;
/// The managers' budget dashboard: a fund by tier, district and track, with charts.
pub mod budget;
/// Working days by the official calendar (holidays and the weekend days worked for them).
pub mod calendar;
/// Care services: campaigns (四季送, 送温暖, care packages …) and the workers each one reached.
pub mod care;
/// E-certificates of awards and passes: printed, verified in public by serial or QR, revoked.
pub mod certificates;
/// Health huts: check-ups, normal ranges, alerts and their follow-up (the `health` role only).
pub mod checkups;
/// The commands of the binary: serve, migrate, create-admin, seed, db.
pub mod cli;
/// Skill competitions in three tiers: events, parts and sub-items with their marks and weights.
pub mod competitions;
/// Settings from flags and the environment.
pub mod config;
/// Registration for competition events: eligibility, judges, contestants, teams, seats.
pub mod contestants;
/// Collective contracts (集体合同): coverage, filing, term, expiry reminders, renewal.
pub mod contracts;
/// The pool, migrations, and the embedded PostgreSQL cluster.
pub mod db;
/// Labour dispute cases: intake, mediation rounds within the time limit, the outcome.
pub mod disputes;
/// The register of employers that dispute cases, letters and collective contracts name.
pub mod employers;
/// The one error type of handlers, and the error pages.
pub mod error;
/// Subsidy funds, their allocations and the append-only ledger.
pub mod funds;
/// Points on the map as fixed-point degrees, and the walking rule of the 15-minute circle.
pub mod geo;
/// `/healthz` and `/readyz`.
pub mod health;
/// The signed-in home page.
pub mod home;
/// Winners recommended for honours and skill promotion; the member's record of what they earned.
pub mod honours;
/// Background jobs: a queue in PostgreSQL and the worker beside the server.
pub mod jobs;
/// Online joining: the public form, its status, the staff queue, the QR code.
pub mod joining;
/// Supervision letters (一函两书) to employers: issued, delivered, replied within working days.
pub mod letters;
/// Mark sheets of sub-items, the gap between judges, the chief judge's lock and unlock.
pub mod marks;
/// Members: records, search, import and export.
pub mod members;
/// Money in exact fen: parsing as clerks type it, showing as yuan or 万元.
pub mod money;
/// In-app notices: a count in the header and a list.
pub mod notices;
/// The organisation tree.
pub mod orgs;
/// Protection of personal data: encryption and blind indexes.
pub mod pii;
/// Marks and weights as exact hundredths.
pub mod points;
/// Random tokens, references and passwords.
pub mod random;
/// Results of competition events: totals, rankings, awards, publication.
pub mod results;
/// The demo world of DOMAIN.md.
pub mod seed;
/// What every handler can reach: the pool, the settings and the keys.
pub mod state;
/// Service stations (工会驿站), their services, and the public 15-minute finder.
pub mod stations;
/// Competition statistics by year, tier and track, and the series of recurring competitions.
pub mod statistics;
/// Monthly tallies and the periods cut for them.
pub mod tallies;
/// Logging.
pub mod telemetry;
/// The catalogue of contest tracks (赛道).
pub mod tracks;
/// Staff accounts as administrators manage them.
pub mod users;
/// What every page shares: context, layout, cookies, i18n, forms.
pub mod web;
/// Workflow steps: states, transitions, the timeline and its audit records, the same in every module.
pub mod workflow;

/// Any error, for the command line (handlers use [`error::AppError`]).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Appended to static file URLs, so a new release is never served a stale stylesheet.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");
