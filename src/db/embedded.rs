//! A private PostgreSQL cluster run from the machine's own binaries, used when no `DATABASE_URL` is
//! given. It lives under the data folder (`<data>/pg`), listens on 127.0.0.1 only, on a port chosen
//! once and remembered, and is started and stopped by the app (or by `gonghui db start|stop`).
//!
//! PostgreSQL refuses to run as root, so when the app runs as root the cluster's processes run as the
//! `postgres` system user and its folder belongs to that user.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::process::Command;

use super::host::{
    SystemUser, check_reachable, find_bin_dir, free_port, lookup_system_user, port_is_free,
    running_as_root,
};
use crate::random::random_hex;

/// The cluster's superuser; the app connects as this role.
const SUPERUSER: &str = "gonghui";
/// How long pg_ctl may wait for the server to start or stop before we give up (never hang).
const PG_CTL_TIMEOUT_SECS: &str = "60";

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found (looked in: {searched}).\n\
         Install them, then run again:\n\
         \x20 Debian/Ubuntu:  apt-get install postgresql        (the server; postgresql-client is not enough)\n\
         \x20 Fedora/RHEL:    dnf install postgresql-server postgresql-contrib\n\
         \x20 macOS:          brew install postgresql@15\n\
         or point GONGHUI_PG_BIN_DIR at the folder holding initdb, or set DATABASE_URL to use an existing server."
    )]
    BinariesMissing { searched: String },
    #[error(
        "running as root, but there is no `postgres` system user to run PostgreSQL as (it refuses to run as root).\n\
         Create one (useradd --system --home /var/lib/postgresql postgres) or run gonghui as an ordinary user."
    )]
    NoUnprivilegedUser,
    #[error(
        "the `postgres` user cannot reach the data folder {0}: a folder above it is closed to other users.\n\
         Set GONGHUI_DATA_DIR to a folder it can reach (for example /var/lib/gonghui)."
    )]
    DataDirUnreachable(PathBuf),
    #[error("{what} failed ({status}):\n{output}")]
    Command {
        what: String,
        status: String,
        output: String,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

pub(super) fn io_error(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ClusterError {
    let context = context.into();
    move |source| ClusterError::Io { context, source }
}

/// Performance settings for a throwaway cluster (tests): durability traded for speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Throwaway,
}

#[derive(Debug)]
pub struct Cluster {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    run_as: Option<SystemUser>,
    durability: Durability,
}

/// What [`Cluster::start`] found: a fresh cluster, one it started, or one that was already running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOutcome {
    Created,
    Started,
    AlreadyRunning,
}

impl Cluster {
    /// Finds the PostgreSQL binaries and decides which user runs them. Touches nothing on disk.
    pub fn locate(data_dir: &Path, durability: Durability) -> Result<Self, ClusterError> {
        std::fs::create_dir_all(data_dir)
            .map_err(io_error(format!("creating {}", data_dir.display())))?;
        let data_dir = data_dir
            .canonicalize()
            .map_err(io_error(format!("resolving {}", data_dir.display())))?;
        let bin_dir = find_bin_dir()?;
        let run_as = if running_as_root() {
            Some(lookup_system_user("postgres").ok_or(ClusterError::NoUnprivilegedUser)?)
        } else {
            None
        };
        Ok(Self {
            data_dir,
            bin_dir,
            run_as,
            durability,
        })
    }

    fn pgdata(&self) -> PathBuf {
        self.data_dir.join("pg")
    }

    fn password_file(&self) -> PathBuf {
        self.data_dir.join("pg-superuser-password")
    }

    fn log_file(&self) -> PathBuf {
        self.data_dir.join("postgresql.log")
    }

    fn settings_file(&self) -> PathBuf {
        self.pgdata().join("gonghui.conf")
    }

    pub fn is_initialised(&self) -> bool {
        self.pgdata().join("PG_VERSION").exists()
    }

    /// Starts the cluster, creating it first if needed; reuses one that is already running.
    pub async fn start(&self) -> Result<StartOutcome, ClusterError> {
        let created = if self.is_initialised() {
            false
        } else {
            self.initdb().await?;
            true
        };
        if self.is_running().await? {
            return Ok(StartOutcome::AlreadyRunning);
        }
        // The remembered port may have been taken by something else while we were stopped.
        let port = self.configured_port()?;
        if !port_is_free(port) {
            self.write_settings(free_port()?)?;
        }
        self.prepare_log_file()?;
        let mut outcome = self.pg_ctl_start().await;
        if outcome.is_err() && !port_is_free(self.configured_port()?) {
            // Another program took the port between our check and PostgreSQL's bind: try another.
            self.write_settings(free_port()?)?;
            outcome = self.pg_ctl_start().await;
        }
        outcome?;
        Ok(if created {
            StartOutcome::Created
        } else {
            StartOutcome::Started
        })
    }

    async fn pg_ctl_start(&self) -> Result<(), ClusterError> {
        let pgdata = self.pgdata();
        let log = self.log_file();
        let output = self
            .pg_command("pg_ctl")
            .args(["-D".as_ref(), pgdata.as_os_str()])
            .args(["-l".as_ref(), log.as_os_str()])
            .args(["-w", "-t", PG_CTL_TIMEOUT_SECS, "start"])
            .output()
            .await
            .map_err(io_error("running pg_ctl start"))?;
        if !output.status.success() {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(15).collect();
            return Err(command_failed(
                "pg_ctl start",
                &output,
                &tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
            ));
        }
        Ok(())
    }

    /// Stops the cluster if it runs (fast shutdown: open transactions are rolled back).
    pub async fn stop(&self) -> Result<(), ClusterError> {
        if !self.is_initialised() || !self.is_running().await? {
            return Ok(());
        }
        let pgdata = self.pgdata();
        let output = self
            .pg_command("pg_ctl")
            .args(["-D".as_ref(), pgdata.as_os_str()])
            .args(["-m", "fast", "-w", "-t", PG_CTL_TIMEOUT_SECS, "stop"])
            .output()
            .await
            .map_err(io_error("running pg_ctl stop"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(command_failed("pg_ctl stop", &output, ""))
        }
    }

    pub async fn is_running(&self) -> Result<bool, ClusterError> {
        if !self.pgdata().join("postmaster.pid").exists() {
            return Ok(false);
        }
        let pgdata = self.pgdata();
        let status = self
            .pg_command("pg_ctl")
            .args(["-D".as_ref(), pgdata.as_os_str(), "status".as_ref()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .map_err(io_error("running pg_ctl status"))?;
        Ok(status.success())
    }

    /// The URL of a database in this cluster, with the superuser's password.
    pub fn url(&self, database: &str) -> Result<SecretString, ClusterError> {
        let password = std::fs::read_to_string(self.password_file())
            .map_err(io_error("reading the cluster's password file"))?;
        let port = self.configured_port()?;
        Ok(SecretString::from(format!(
            "postgres://{SUPERUSER}:{}@127.0.0.1:{port}/{database}",
            password.trim()
        )))
    }

    async fn initdb(&self) -> Result<(), ClusterError> {
        let pgdata = self.pgdata();
        if pgdata.exists() {
            // A half-made cluster from an interrupted first start: initdb needs an empty folder.
            std::fs::remove_dir_all(&pgdata).map_err(io_error("clearing a half-made cluster"))?;
        }
        std::fs::create_dir_all(&pgdata).map_err(io_error("creating the cluster folder"))?;
        std::fs::set_permissions(&pgdata, std::fs::Permissions::from_mode(0o700))
            .map_err(io_error("restricting the cluster folder"))?;
        self.hand_to_postgres(&pgdata)?;
        if let Some(user) = self.run_as {
            check_reachable(&self.data_dir, user)?;
        }

        let password = random_hex(24);
        let password_file = self.password_file();
        write_private(&password_file, &password)?;
        // initdb reads the password from a file, which the postgres user must be able to read.
        let initdb_pwfile = self.data_dir.join(".initdb-password");
        write_private(&initdb_pwfile, &password)?;
        self.hand_to_postgres(&initdb_pwfile)?;

        let output = self
            .pg_command("initdb")
            .args(["-D".as_ref(), pgdata.as_os_str()])
            .args(["-U", SUPERUSER, "--auth=scram-sha-256", "--encoding=UTF8"])
            // Under the C locale pg_trgm sees no Chinese characters: use a UTF-8 locale.
            .args(["--locale=C.UTF-8"])
            .arg(format!("--pwfile={}", initdb_pwfile.display()))
            .output()
            .await;
        let _ = std::fs::remove_file(&initdb_pwfile);
        let output = output.map_err(io_error("running initdb"))?;
        if !output.status.success() {
            return Err(command_failed("initdb", &output, ""));
        }

        let conf = pgdata.join("postgresql.conf");
        let mut text =
            std::fs::read_to_string(&conf).map_err(io_error("reading postgresql.conf"))?;
        text.push_str("\n# gonghui's own settings\ninclude_if_exists = 'gonghui.conf'\n");
        std::fs::write(&conf, text).map_err(io_error("writing postgresql.conf"))?;
        self.write_settings(free_port()?)?;
        Ok(())
    }

    fn write_settings(&self, port: u16) -> Result<(), ClusterError> {
        let mut settings = format!(
            "port = {port}\n\
             listen_addresses = '127.0.0.1'\n\
             unix_socket_directories = ''\n\
             max_connections = 200\n\
             shared_buffers = 128MB\n\
             timezone = 'Asia/Shanghai'\n"
        );
        if self.durability == Durability::Throwaway {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let path = self.settings_file();
        std::fs::write(&path, settings).map_err(io_error("writing gonghui.conf"))?;
        self.hand_to_postgres(&path)
    }

    fn configured_port(&self) -> Result<u16, ClusterError> {
        let text = std::fs::read_to_string(self.settings_file())
            .map_err(io_error("reading gonghui.conf"))?;
        text.lines()
            .find_map(|line| line.strip_prefix("port = "))
            .and_then(|port| port.trim().parse().ok())
            .ok_or_else(|| ClusterError::Io {
                context: "gonghui.conf names no port".into(),
                source: std::io::Error::other("no port line"),
            })
    }

    fn prepare_log_file(&self) -> Result<(), ClusterError> {
        let log = self.log_file();
        if !log.exists() {
            std::fs::write(&log, "").map_err(io_error("creating postgresql.log"))?;
        }
        self.hand_to_postgres(&log)
    }

    /// When running as root, gives a path to the user that runs PostgreSQL.
    fn hand_to_postgres(&self, path: &Path) -> Result<(), ClusterError> {
        if let Some(user) = self.run_as {
            std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
                .map_err(io_error(format!("handing {} to postgres", path.display())))?;
        }
        Ok(())
    }

    fn pg_command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin_dir.join(program));
        command
            .current_dir("/")
            .env("LC_ALL", "C.UTF-8")
            .stdin(Stdio::null())
            .kill_on_drop(false)
            // Its own process group: Ctrl-C in the terminal reaches the app, which then stops the
            // cluster after in-flight requests finish, instead of PostgreSQL dying under them.
            .process_group(0);
        if let Some(user) = self.run_as {
            command.uid(user.uid).gid(user.gid);
        }
        command
    }
}

fn command_failed(what: &str, output: &std::process::Output, extra: &str) -> ClusterError {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    if !extra.is_empty() {
        text.push_str("\n--- postgresql.log ---\n");
        text.push_str(extra);
    }
    ClusterError::Command {
        what: what.to_string(),
        status: output.status.to_string(),
        output: text.trim().to_string(),
    }
}

fn write_private(path: &Path, contents: &str) -> Result<(), ClusterError> {
    std::fs::write(path, contents).map_err(io_error(format!("writing {}", path.display())))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(io_error(format!("restricting {}", path.display())))
}

/// Waits until a fresh server accepts logins; pg_ctl -w already waits, this covers slow first logins.
pub async fn wait_until_accepting(url: &SecretString) -> Result<(), sqlx::Error> {
    let mut last_error = None;
    for _ in 0..50 {
        match sqlx::PgPool::connect(url.expose_secret()).await {
            Ok(pool) => {
                pool.close().await;
                return Ok(());
            }
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(last_error.unwrap_or(sqlx::Error::PoolTimedOut))
}
