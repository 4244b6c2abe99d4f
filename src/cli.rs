//! The commands of the `gonghui` binary.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;

use crate::access::Actor;
use crate::app;
use crate::audit::{self, Change};
use crate::auth::model::{hash_password_blocking, password_problem};
use crate::config::{Cli, Command, DbAction, Settings};
use crate::db::embedded::{Cluster, Durability};
use crate::db::{self, Database};
use crate::state::AppState;
use crate::{BoxError, seed, users};

pub async fn run(cli: Cli) -> Result<(), BoxError> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => with_database(&settings, |_| async { Ok(()) }).await,
        Command::CreateAdmin {
            username,
            organisation,
        } => {
            let password = read_password()?;
            with_database(&settings, |pool| {
                create_admin(pool, username, organisation, password)
            })
            .await
        }
        Command::Seed { demo } => {
            if !demo {
                return Err("say what to seed: gonghui seed --demo".into());
            }
            let password = demo_password(&settings);
            let generated = settings.demo_password.is_none();
            let pii = personal_data_keys(&settings)?;
            with_database(&settings, |pool| async move {
                if seed::is_empty(&pool).await? {
                    seed::demo(&pool, &password, &pii).await?;
                    print_demo_login(None, &password, generated);
                } else {
                    println!("The database already holds organisations: the demo was not seeded.");
                }
                Ok(())
            })
            .await
        }
        Command::Db { action } => manage_cluster(&settings, action).await,
        Command::RotateKey => rotate_key(&settings).await,
        Command::CheckLedger => {
            with_database(&settings, |pool| async move {
                let differences = crate::funds::ledger::check(&pool).await?;
                for d in &differences {
                    println!(
                        "fund {} account {}: stored (appropriated, committed, disbursed) = {:?}, ledger = {:?}",
                        d.fund_id, d.account_id, d.stored, d.from_ledger
                    );
                }
                if differences.is_empty() {
                    println!("Every balance agrees with the ledger.");
                    Ok(())
                } else {
                    Err(format!("{} balances differ from the ledger", differences.len()).into())
                }
            })
            .await
        }
    }
}

/// Seals all personal data again under a new key read from stdin. With a key file in the data
/// folder, the new key is written beside it first and replaces it once the database has committed;
/// with GONGHUI_SECRET_KEY, the operator is told to change it.
async fn rotate_key(settings: &Settings) -> Result<(), BoxError> {
    let old = personal_data_keys(settings)?;
    let new_key = read_secret("New secret key (at least 32 characters): ")?;
    let new = crate::pii::Pii::new(&new_key)?;
    let key_file = settings.data_dir.join("secret-key");
    let staged = settings.data_dir.join("secret-key.new");
    let from_file = settings.secret_key.is_none();
    with_database(settings, |pool| async move {
        let mut tx = pool.begin().await?;
        if !crate::pii::rotation::opens_stored_values(&mut tx, &old).await? {
            return Err(
                "the current key does not open the stored data: nothing was changed".into(),
            );
        }
        let rotated = crate::pii::rotation::rotate(&mut tx, &old, &new).await?;
        audit::record(
            &mut *tx,
            &Actor::system("command line"),
            Change {
                entity: "secret_key",
                entity_id: "personal_data".into(),
                action: "rotate",
                organisation_id: None,
                before: None,
                after: Some(serde_json::json!({
                    "members": rotated.members, "join_requests": rotated.join_requests,
                    "imports": rotated.imports, "dispute_workers": rotated.dispute_workers,
                    "care_workers": rotated.care_workers, "care_notes": rotated.care_notes,
                })),
            },
        )
        .await?;
        if from_file {
            std::fs::write(&staged, new_key.expose_secret())?;
            std::fs::set_permissions(&staged, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        }
        if let Err(error) = tx.commit().await {
            let _ = std::fs::remove_file(&staged);
            return Err(error.into());
        }
        println!(
            "Re-encrypted {} members, {} joining requests, {} uploads, {} dispute workers, {} care recipients and {} counselling notes under the new key.",
            rotated.members,
            rotated.join_requests,
            rotated.imports,
            rotated.dispute_workers,
            rotated.care_workers,
            rotated.care_notes
        );
        if from_file {
            std::fs::rename(&staged, &key_file)?;
            println!("The new key is in {}: back it up.", key_file.display());
        } else {
            println!("Now set GONGHUI_SECRET_KEY to the new key before starting the app.");
        }
        Ok(())
    })
    .await
}

/// The keys for personal data, from the configured secret or the one kept in the data folder.
fn personal_data_keys(settings: &Settings) -> Result<crate::pii::Pii, BoxError> {
    let key = crate::pii::load_or_create_key(settings.secret_key.as_ref(), &settings.data_dir)?;
    Ok(crate::pii::Pii::new(&key)?)
}

async fn serve(mut settings: Settings) -> Result<(), BoxError> {
    let pii = Arc::new(personal_data_keys(&settings)?);
    // The address first: a busy port fails at once, and the database cannot take it meanwhile.
    let listener = TcpListener::bind(settings.bind)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", settings.bind))?;
    // The port actually taken (port 0 asks for any free one): the default public URL uses it.
    settings.bind = listener.local_addr()?;
    let database = Database::open(&settings).await?;
    db::migrate(&database.pool).await?;
    let mut demo = None;
    if !settings.no_demo && seed::is_empty(&database.pool).await? {
        let password = demo_password(&settings);
        seed::demo(&database.pool, &password, &pii).await?;
        demo = Some(password);
    }
    let url = format!("http://{}", listener.local_addr()?);
    tracing::info!(%url, "listening");
    match &demo {
        Some(password) => print_demo_login(Some(&url), password, settings.demo_password.is_none()),
        None => println!("\n  工会通 gonghui is running at {url}  (Ctrl-C stops it)\n"),
    }
    let state = AppState {
        db: database.pool.clone(),
        settings: Arc::new(settings),
        pii,
        fragments: Default::default(),
        districts: Default::default(),
    };
    let served = app::serve(listener, state).await;
    database.close().await;
    tracing::info!("stopped");
    Ok(served?)
}

fn demo_password(settings: &Settings) -> SecretString {
    settings
        .demo_password
        .clone()
        .unwrap_or_else(|| SecretString::from(crate::random::random_password()))
}

fn print_demo_login(url: Option<&str>, password: &SecretString, generated: bool) {
    let accounts: Vec<&str> = seed::DEMO_ACCOUNTS
        .iter()
        .map(|account| account.0)
        .collect();
    println!();
    if let Some(url) = url {
        println!("  工会通 gonghui is running at {url}  (Ctrl-C stops it)");
    }
    println!(
        "  Demo world seeded. Sign in as any of: {}",
        accounts.join(", ")
    );
    println!("  Password: {}", password.expose_secret());
    if generated {
        println!(
            "  (generated now and shown only this once; set GONGHUI_DEMO_PASSWORD to choose it)"
        );
    }
    println!();
}

/// Opens the database, migrates, runs `work`, and closes (stopping an embedded cluster it started).
async fn with_database<F, Fut>(settings: &Settings, work: F) -> Result<(), BoxError>
where
    F: FnOnce(sqlx::PgPool) -> Fut,
    Fut: Future<Output = Result<(), BoxError>>,
{
    let database = Database::open(settings).await?;
    let result = match db::migrate(&database.pool).await {
        Ok(()) => work(database.pool.clone()).await,
        Err(error) => Err(error.into()),
    };
    database.close().await;
    result
}

/// Reads a password from standard input, without echo when it is a terminal.
fn read_password() -> Result<SecretString, BoxError> {
    read_secret("Password for the new administrator (at least 10 characters): ")
}

/// Reads one line from standard input, without echo when it is a terminal.
fn read_secret(prompt: &str) -> Result<SecretString, BoxError> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        let _ = std::process::Command::new("stty").arg("-echo").status();
    }
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if interactive {
        let _ = std::process::Command::new("stty").arg("echo").status();
        eprintln!();
    }
    read?;
    Ok(SecretString::from(
        line.trim_end_matches(['\r', '\n']).to_string(),
    ))
}

async fn create_admin(
    pool: sqlx::PgPool,
    username: String,
    organisation: Option<String>,
    password: SecretString,
) -> Result<(), BoxError> {
    let username = username.trim().to_lowercase();
    if let Some(problem) = password_problem(password.expose_secret(), &username) {
        return Err(crate::web::i18n::Locale::En.t(problem).into());
    }
    let organisation_id = match &organisation {
        Some(code) => crate::orgs::queries::find_id_by_code(&pool, code)
            .await?
            .ok_or_else(|| format!("no organisation has the code {code}"))?,
        None => crate::orgs::queries::find_root_id(&pool).await?.ok_or(
            "there is no organisation yet: run `gonghui seed --demo` or pass --organisation",
        )?,
    };
    let hash = hash_password_blocking(password).await?;
    let mut tx = pool.begin().await?;
    let existing = users::queries::find_id_by_username(&mut *tx, &username).await?;
    let (id, action) = match existing {
        Some(id) => {
            users::queries::reset_admin(&mut *tx, id, &hash).await?;
            (id, "reset_admin")
        }
        None => {
            let new = users::queries::NewUser {
                organisation_id,
                username: &username,
                display_name: &username,
                password_hash: &hash,
                roles: vec!["admin".into()],
                must_change_password: false,
            };
            (users::queries::insert_user(&mut *tx, &new).await?, "create")
        }
    };
    audit::record(
        &mut *tx,
        &Actor::system("command line"),
        Change {
            entity: "user",
            entity_id: id.to_string(),
            action,
            organisation_id: Some(organisation_id),
            before: None,
            after: Some(serde_json::json!({ "username": username, "roles": ["admin"] })),
        },
    )
    .await?;
    tx.commit().await?;
    println!("Administrator `{username}` is ready; sign in at /login.");
    Ok(())
}

async fn manage_cluster(settings: &Settings, action: DbAction) -> Result<(), BoxError> {
    if settings.database_url.is_some() {
        return Err("DATABASE_URL is set: there is no embedded cluster to manage".into());
    }
    let cluster = Cluster::locate(&settings.data_dir, Durability::Durable)?;
    match action {
        DbAction::Start => {
            cluster.start().await?;
            db::ensure_database(&cluster, db::EMBEDDED_DATABASE).await?;
            println!("running");
        }
        DbAction::Stop => {
            cluster.stop().await?;
            println!("stopped");
        }
        DbAction::Status => {
            println!(
                "{}",
                if cluster.is_running().await? {
                    "running"
                } else {
                    "stopped"
                }
            );
        }
    }
    Ok(())
}
