//! Settings from flags and the environment. Secrets are kept in `secrecy` types and never printed.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;

#[derive(Parser)]
#[command(
    name = "gonghui",
    version,
    about = "工会通: trade-union work in a browser"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app (the default): starts the embedded database when no DATABASE_URL is set.
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Create an administrator account (or reset its password); the password is read from stdin.
    CreateAdmin {
        #[arg(long)]
        username: String,
        /// Code of the organisation the account belongs to (default: the root federation).
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Fill the database with data.
    Seed {
        /// The demo world of DOMAIN.md (skipped when organisations already exist).
        #[arg(long)]
        demo: bool,
    },
    /// Replace the secret key for personal data: re-encrypts every ID number, phone and pending upload
    /// with the new key (read from stdin) in one transaction. Stop the app first.
    RotateKey,
    /// Recompute every fund balance from the ledger; exits non-zero on any difference.
    CheckLedger,
    /// Manage the embedded PostgreSQL cluster under the data folder.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
}

#[derive(Subcommand, Debug, Clone, Copy)]
pub enum DbAction {
    /// Start the cluster (create it first if needed) and leave it running.
    Start,
    /// Stop the cluster.
    Stop,
    /// Say whether the cluster runs.
    Status,
}

#[derive(Args, Clone)]
pub struct Settings {
    /// An external PostgreSQL server; without it the app runs its own cluster under the data folder.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<SecretString>,
    /// Where the embedded cluster and generated secrets live.
    #[arg(
        long,
        env = "GONGHUI_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// The address the web server listens on.
    #[arg(
        long,
        env = "GONGHUI_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,
    /// Key for protecting personal data and signing; generated and kept in the data folder if unset.
    #[arg(
        long,
        env = "GONGHUI_SECRET_KEY",
        global = true,
        hide_env_values = true
    )]
    pub secret_key: Option<SecretString>,
    /// Password of the demo accounts; a random one is made and printed at the first start if unset.
    #[arg(
        long,
        env = "GONGHUI_DEMO_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub demo_password: Option<SecretString>,
    /// Do not seed the demo world on the first start.
    #[arg(long, env = "GONGHUI_NO_DEMO", global = true)]
    pub no_demo: bool,
    /// Mark cookies Secure (set this when served over HTTPS, e.g. behind a TLS proxy).
    #[arg(long, env = "GONGHUI_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,
    /// Proxies in front of the app (addresses or networks, comma-separated, e.g. "10.0.0.0/8"): from
    /// them, the client's address is read from X-Forwarded-For, for rate limits and the audit trail.
    #[arg(
        long,
        env = "GONGHUI_TRUSTED_PROXIES",
        default_value = "",
        global = true
    )]
    pub trusted_proxies: crate::web::client_address::TrustedProxies,
    /// Sign a session out after this many minutes without a request.
    #[arg(
        long,
        env = "GONGHUI_SESSION_IDLE_MINUTES",
        default_value_t = 120,
        global = true
    )]
    pub session_idle_minutes: u64,
    /// Sign a session out this many minutes after sign-in, however active.
    #[arg(
        long,
        env = "GONGHUI_SESSION_MAX_MINUTES",
        default_value_t = 720,
        global = true
    )]
    pub session_max_minutes: u64,
    /// Folder with the stylesheet and scripts.
    #[arg(long, env = "GONGHUI_STATIC_DIR", global = true)]
    pub static_dir: Option<PathBuf>,
    /// The public joining form is refused when sent back sooner than this (bots fill forms at once).
    #[arg(
        long,
        env = "GONGHUI_JOIN_MIN_SECONDS",
        default_value_t = 3,
        global = true
    )]
    pub join_min_seconds: i64,
    /// Join requests accepted per client address per hour: riders on one carrier's network share an
    /// address, so this is generous; the signed start time, the honeypot and the per-ID checks stop
    /// bots, and a joining ceremony lifts it further for its organisation and day.
    #[arg(
        long,
        env = "GONGHUI_JOIN_MAX_PER_HOUR",
        default_value_t = 120,
        global = true
    )]
    pub join_max_per_hour: i64,
    /// The address people reach the app at (e.g. "https://gh.example.cn"), printed in joining QR codes.
    /// Taken from this setting, never from a request's Host header, which a visitor controls.
    /// Unset, it is "http://" and the bind address, which only suits a trial on one computer.
    #[arg(long, env = "GONGHUI_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Seconds a request may take before it is answered with 408.
    #[arg(
        long,
        env = "GONGHUI_REQUEST_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub request_timeout_secs: u64,
}

impl Settings {
    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(self.session_idle_minutes * 60)
    }

    pub fn session_max(&self) -> Duration {
        Duration::from_secs(self.session_max_minutes * 60)
    }

    /// The public address without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// The folder of static files: the setting, else `./static`, else the one beside the sources.
    pub fn static_dir(&self) -> PathBuf {
        if let Some(dir) = &self.static_dir {
            return dir.clone();
        }
        let local = PathBuf::from("static");
        if local.is_dir() {
            local
        } else {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/static"))
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |set: bool| if set { "[redacted]" } else { "unset" };
        f.debug_struct("Settings")
            .field("database_url", &redacted(self.database_url.is_some()))
            .field("data_dir", &self.data_dir)
            .field("bind", &self.bind)
            .field("secret_key", &redacted(self.secret_key.is_some()))
            .field("demo_password", &redacted(self.demo_password.is_some()))
            .field("no_demo", &self.no_demo)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("session_max_minutes", &self.session_max_minutes)
            .field("public_url", &self.public_url)
            .finish()
    }
}
