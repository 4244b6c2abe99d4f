//! The test harness: each test gets its own database (a copy of a migrated, demo-seeded template) in
//! one throwaway PostgreSQL cluster per test run, and the app on a port of its own, spoken to over
//! HTTP by a cookie-keeping client that does not follow redirects.

use std::sync::{Arc, OnceLock};

use clap::Parser;
use gonghui::app;
use gonghui::config::{Cli, Settings};
use gonghui::db::embedded::{Cluster, Durability};
use gonghui::state::AppState;
use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;

/// The password of every demo account in tests.
pub const PASSWORD: &str = "demo-password-for-tests";
/// The personal-data key of the tests (the demo members are sealed with it).
pub const TEST_KEY: &str = "the personal-data key used by the test suite";

struct SharedCluster {
    admin_url: String,
    template: String,
    url_prefix: String,
}

/// Where the test cluster lives: outside the work tree, so the `postgres` user can reach it when
/// tests run as root. `scripts/test.sh` stops it at the end of a run.
pub fn test_cluster_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("gonghui-test-cluster")
}

fn shared_cluster() -> &'static SharedCluster {
    static SHARED: OnceLock<SharedCluster> = OnceLock::new();
    SHARED.get_or_init(|| {
        // A runtime of its own: pools must not outlive the runtime that made them, and each test
        // has its own runtime.
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(prepare_shared_cluster())
        })
        .join()
        .expect("the test cluster starts")
    })
}

async fn prepare_shared_cluster() -> SharedCluster {
    let cluster = Cluster::locate(&test_cluster_dir(), Durability::Throwaway)
        .unwrap_or_else(|error| panic!("{error}"));
    cluster
        .start()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let admin_url = cluster.url("postgres").expect("url");
    gonghui::db::embedded::wait_until_accepting(&admin_url)
        .await
        .expect("accepting");
    let admin = PgPool::connect(admin_url.expose_secret())
        .await
        .expect("connect");

    // Databases of earlier runs go; test binaries run one after another, so none is in use.
    let stale: Vec<String> = sqlx::query_scalar(
        "select datname from pg_database where datname like 't\\_%' or datname like 'tpl\\_%'",
    )
    .fetch_all(&admin)
    .await
    .expect("list databases");
    for name in stale {
        sqlx::query(&format!("drop database if exists \"{name}\" with (force)"))
            .execute(&admin)
            .await
            .expect("drop a stale database");
    }

    let template = format!("tpl_{}", std::process::id());
    sqlx::query(&format!("create database \"{template}\""))
        .execute(&admin)
        .await
        .expect("create the template");
    let template_url = cluster.url(&template).expect("url");
    let pool = PgPool::connect(template_url.expose_secret())
        .await
        .expect("connect");
    gonghui::db::migrate(&pool).await.expect("migrations apply");
    let pii = gonghui::pii::Pii::new(&SecretString::from(TEST_KEY)).expect("key");
    gonghui::seed::demo(&pool, &SecretString::from(PASSWORD), &pii)
        .await
        .expect("demo seeds");
    pool.close().await;
    admin.close().await;

    let url = cluster.url("x").expect("url");
    let url = url.expose_secret();
    SharedCluster {
        admin_url: admin_url.expose_secret().to_string(),
        template,
        url_prefix: url[..url.len() - 1].to_string(),
    }
}

/// A fresh database holding the demo world; returns its URL.
pub async fn fresh_database() -> String {
    let shared = shared_cluster();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = PgPool::connect(&shared.admin_url).await.expect("connect");
    sqlx::query(&format!(
        "create database \"{name}\" template \"{}\"",
        shared.template
    ))
    .execute(&admin)
    .await
    .expect("copy the template");
    admin.close().await;
    format!("{}{name}", shared.url_prefix)
}

pub fn test_settings() -> Settings {
    let mut settings = Cli::try_parse_from(["gonghui"])
        .expect("defaults parse")
        .settings;
    settings.demo_password = Some(SecretString::from(PASSWORD));
    // The joining form's bot check waits 3 s by default; tests that need it set it back.
    settings.join_min_seconds = 0;
    settings
}

/// The app, serving on a port of its own against a database of its own.
pub struct TestApp {
    pub address: String,
    pub db: PgPool,
    /// The state the server runs with, for tests that call a job or housekeeping task directly.
    pub state: AppState,
    /// The default visitor; `app.browser()` makes more.
    pub browser: Browser,
    server: tokio::task::JoinHandle<()>,
}

/// A test that spawns many apps (the access table spawns one per route) must not keep every one's
/// database connections open until it ends: the cluster allows 200.
impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        // The app's warnings and errors go to the test's own output, shown when it fails: a 500 in
        // a test then says why.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn")
            .with_test_writer()
            .try_init();
        let mut settings = test_settings();
        adjust(&mut settings);
        let db = gonghui::db::pool_options()
            .connect(&fresh_database().await)
            .await
            .expect("connect");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        settings.bind = listener.local_addr().expect("address");
        let pii = Arc::new(gonghui::pii::Pii::new(&SecretString::from(TEST_KEY)).expect("key"));
        let state = AppState {
            db: db.clone(),
            settings: Arc::new(settings),
            pii,
            fragments: Default::default(),
            districts: Default::default(),
        };
        // The server and its job worker, as `gonghui serve` runs them.
        let served = state.clone();
        let server = tokio::spawn(async move {
            app::serve_until(listener, served, std::future::pending())
                .await
                .expect("serves");
        });
        let browser = Browser::new(&address);
        Self {
            address,
            db,
            state,
            browser,
            server,
        }
    }

    /// `gjz_admin`, an administrator of 甘井子区 only: admin powers stop at the subtree's edge.
    pub async fn add_district_admin(&self) {
        sqlx::query(
            "insert into users (organisation_id, username, display_name, password_hash, roles)
             select organisation_id, 'gjz_admin', '区管理员', password_hash, '{admin}' from users where username = 'staff'",
        )
        .execute(&self.db)
        .await
        .unwrap();
    }

    /// Another visitor with a cookie jar of its own.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    /// A new visitor signed in as `username` (a demo account).
    pub async fn signed_in(&self, username: &str) -> Browser {
        let browser = self.browser();
        browser.sign_in(username, PASSWORD).await;
        browser
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.browser.get(path).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.browser.post_form(path, fields).await
    }

    /// How many audit records match `entity` and `action`.
    pub async fn audit_count(&self, entity: &str, action: &str) -> i64 {
        sqlx::query_scalar("select count(*) from audit_log where entity = $1 and action = $2")
            .bind(entity)
            .bind(action)
            .fetch_one(&self.db)
            .await
            .expect("count audit records")
    }
}

/// One visitor: a cookie jar and a client that shows redirects instead of following them.
#[derive(Clone)]
pub struct Browser {
    pub address: String,
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
}

impl Browser {
    pub fn new(address: &str) -> Self {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            address: address.to_string(),
            client,
            jar,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// GETs a page and returns its status and body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    /// The value of one of this visitor's cookies.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.url("/").parse().expect("url");
        let header: HeaderValue = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    }

    /// This visitor's CSRF token, as a page's forms carry it (it is the server's signature of the
    /// CSRF cookie and the session, so it is read off a page: any page's layout has one).
    pub async fn csrf_token(&self) -> String {
        // A user who must change their password is sent there from every other page.
        for path in ["/no-such-page", "/account/password"] {
            let (_, page) = self.page(path).await;
            if let Some(token) = page
                .split(r#"name="csrf_token" value=""#)
                .nth(1)
                .and_then(|rest| rest.split('"').next())
            {
                return token.to_string();
            }
        }
        panic!("no page carries a CSRF token")
    }

    /// Posts a form as a browser would: with the visitor's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        body.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .expect("request")
    }

    /// Uploads a record's file as its form does: `purpose` and `file`, the token in the address.
    pub async fn post_file(
        &self,
        path: &str,
        purpose: &str,
        (name, bytes): (&str, &[u8]),
    ) -> reqwest::Response {
        let token = self.csrf_token().await;
        let form = reqwest::multipart::Form::new()
            .text("purpose", purpose.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
            );
        self.client
            .post(self.url(&format!("{path}?csrf_token={token}")))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn sign_in(&self, username: &str, password: &str) {
        let response = self
            .post_form("/login", &[("username", username), ("password", password)])
            .await;
        let status = response.status();
        if status != StatusCode::SEE_OTHER {
            panic!(
                "{username} signs in: {status} {}",
                response.text().await.unwrap_or_default()
            );
        }
    }
}

/// Sends the public joining form of organisation `code` as a worker would; returns the response.
/// The signed start time a joining form carries.
pub fn form_started(page: &str) -> String {
    page.split(r#"name="started" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries its start time")
        .to_string()
}

pub async fn join_online(
    browser: &Browser,
    code: &str,
    name: &str,
    id_number: &str,
    phone: &str,
) -> reqwest::Response {
    let (_, page) = browser.page(&format!("/join/{code}")).await;
    let started = form_started(&page);
    browser
        .post_form(
            &format!("/join/{code}"),
            &[
                ("name", name),
                ("id_number", id_number),
                ("phone", phone),
                ("occupation", "delivery_rider"),
                ("employer", "美团外卖"),
                ("consent", "yes"),
                ("website", ""),
                ("started", &started),
            ],
        )
        .await
}

/// The id of an organisation of the demo world, by its code.
pub async fn org_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("select id from organisations where code = $1")
        .bind(code)
        .fetch_one(&app.db)
        .await
        .expect("an organisation of the demo world")
}

/// A valid ID number (GB 11643 check digit computed) for someone born on `birth` (YYYYMMDD).
pub fn id_number(birth: &str, sequence: u32) -> String {
    gonghui::members::model::IdNumber::complete(&format!("210211{birth}{sequence:03}"))
}

/// Where a redirect points.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string()
}
