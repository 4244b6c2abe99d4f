//! The connection pool, the migrations, and the embedded PostgreSQL used when no DATABASE_URL is given.

pub mod embedded;
mod host;

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::config::Settings;
use embedded::{Cluster, Durability, StartOutcome};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// The database the app uses inside its embedded cluster.
pub const EMBEDDED_DATABASE: &str = "gonghui";

/// An open database: the pool, and the embedded cluster if the app runs its own.
pub struct Database {
    pub pool: PgPool,
    pub cluster: Option<Cluster>,
}

impl Database {
    /// Connects to DATABASE_URL, or starts (creating if needed) the embedded cluster and connects to it.
    pub async fn open(settings: &Settings) -> Result<Self, crate::BoxError> {
        let (url, cluster) = match &settings.database_url {
            Some(url) => (url.clone(), None),
            None => {
                let cluster = Cluster::locate(&settings.data_dir, Durability::Durable)?;
                let outcome = cluster.start().await?;
                match outcome {
                    StartOutcome::Created => tracing::info!(
                        data_dir = %settings.data_dir.display(),
                        "created the embedded PostgreSQL cluster"
                    ),
                    StartOutcome::Started => {
                        tracing::info!("started the embedded PostgreSQL cluster")
                    }
                    StartOutcome::AlreadyRunning => {
                        tracing::info!("reusing the embedded PostgreSQL cluster, already running")
                    }
                }
                ensure_database(&cluster, EMBEDDED_DATABASE).await?;
                (cluster.url(EMBEDDED_DATABASE)?, Some(cluster))
            }
        };
        let pool = pool_options().connect(url.expose_secret()).await?;
        Ok(Self { pool, cluster })
    }

    /// Closes the pool, then stops the embedded cluster if the app started one.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.cluster
            && let Err(error) = cluster.stop().await
        {
            tracing::error!(%error, "could not stop the embedded PostgreSQL cluster");
        }
    }
}

/// `text` for a LIKE pattern: `%`, `_` and `\\` typed by a user are searched for literally.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(5))
}

// Statements are prepared once per connection and their plans cached, which is what most queries
// want: planning a join costs more than running it (forcing custom plans everywhere halved the
// member page's throughput, docs/benchmarks.md). A query whose best plan depends on its values (a
// name prefix `like $1`) is sent with `.persistent(false)`: planned for its values each time.

/// Creates a database in the cluster unless it exists.
pub async fn ensure_database(cluster: &Cluster, name: &str) -> Result<(), crate::BoxError> {
    let admin_url = cluster.url("postgres")?;
    embedded::wait_until_accepting(&admin_url).await?;
    let admin = PgPool::connect(admin_url.expose_secret()).await?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(name)
            .fetch_one(&admin)
            .await?;
    if !exists {
        // Identifiers cannot be bound as parameters; the name is ours, not the user's.
        sqlx::query(&format!("create database \"{name}\""))
            .execute(&admin)
            .await?;
    }
    admin.close().await;
    Ok(())
}

/// Runs the migrations that have not run yet.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

pub type Url = SecretString;
