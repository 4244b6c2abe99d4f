//! The binary as a newcomer runs it: its own PostgreSQL cluster under the data folder, created on the
//! first start, reused on the next, stopped with the app, and clear words when PostgreSQL is missing.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Browser, PASSWORD};

const BINARY: &str = env!("CARGO_BIN_EXE_gonghui");

fn scratch_dir(name: &str) -> PathBuf {
    // Under the system temp folder: the postgres user must reach it when tests run as root.
    let dir =
        std::env::temp_dir().join(format!("gonghui-{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gonghui(data_dir: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env_remove("DATABASE_URL")
        .env_remove("GONGHUI_PG_BIN_DIR")
        .env("GONGHUI_DATA_DIR", data_dir)
        .env("GONGHUI_DEMO_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn");
    command
}

/// A running `gonghui serve`, with what it printed so far.
struct Server {
    child: Child,
    address: String,
    printed: String,
}

impl Server {
    fn start(data_dir: &Path) -> Self {
        let mut child = gonghui(data_dir)
            // Port 0: the app takes a free port itself and prints it, so no other test can take it.
            .env("GONGHUI_BIND", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let (lines, receive) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut printed = String::new();
        loop {
            let line = receive
                .recv_timeout(Duration::from_secs(90))
                .expect("the app says where it runs within 90 s");
            printed.push_str(&line);
            printed.push('\n');
            // The demo login comes after the URL line when the demo is seeded: read on until blank.
            if printed.contains("is running at")
                && line.trim().is_empty()
                && printed.lines().count() > 2
            {
                break;
            }
        }
        let address = printed
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .expect("the address is printed")
            .to_string();
        Self {
            child,
            address,
            printed,
        }
    }

    /// Sends SIGTERM, as systemd or `docker stop` would, and waits for a clean exit.
    fn stop(mut self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "the app exits cleanly: {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("the app did not stop within 30 s of SIGTERM");
    }
}

fn cluster_runs(data_dir: &Path) -> bool {
    data_dir.join("pg/postmaster.pid").exists()
}

fn db_command(data_dir: &Path, action: &str) -> String {
    let output = gonghui(data_dir).args(["db", action]).output().unwrap();
    assert!(
        output.status.success(),
        "gonghui db {action}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[tokio::test]
async fn the_embedded_cluster_starts_is_reused_and_stops_with_the_app() {
    let data_dir = scratch_dir("lifecycle");

    let first = Server::start(&data_dir);
    assert!(
        first.printed.contains("Sign in as any of: admin, staff"),
        "{}",
        first.printed
    );
    assert!(first.printed.contains(&format!("Password: {PASSWORD}")));
    assert!(
        cluster_runs(&data_dir),
        "the cluster runs while the app does"
    );
    let browser = Browser::new(&first.address);
    assert_eq!(browser.get("/healthz").await.status(), StatusCode::OK);
    browser.sign_in("admin", PASSWORD).await;
    if std::fs::metadata("/proc/self").unwrap().uid() == 0 {
        let owner = std::fs::metadata(data_dir.join("pg/PG_VERSION"))
            .unwrap()
            .uid();
        assert_ne!(
            owner, 0,
            "as root, the cluster belongs to an unprivileged user"
        );
    }
    first.stop();
    assert!(
        !cluster_runs(&data_dir),
        "stopping the app stops the cluster"
    );

    let second = Server::start(&data_dir);
    assert!(
        !second.printed.contains("Demo world seeded"),
        "the data is reused, not seeded again"
    );
    Browser::new(&second.address)
        .sign_in("admin", PASSWORD)
        .await;
    second.stop();
    assert!(!cluster_runs(&data_dir));
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[tokio::test]
async fn readyz_answers_503_while_the_database_is_down_and_recovers() {
    let data_dir = scratch_dir("readyz");
    let server = Server::start(&data_dir);
    let browser = Browser::new(&server.address);
    assert_eq!(browser.get("/readyz").await.status(), StatusCode::OK);

    assert_eq!(db_command(&data_dir, "stop"), "stopped");
    let down = browser.get("/readyz").await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        browser.get("/healthz").await.status(),
        StatusCode::OK,
        "the process is still up"
    );

    assert_eq!(db_command(&data_dir, "start"), "running");
    let mut recovered = false;
    for _ in 0..50 {
        if browser.get("/readyz").await.status() == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(recovered, "readyz recovers when the database is back");
    server.stop();
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[test]
fn missing_postgres_binaries_are_named_with_what_to_install() {
    let data_dir = scratch_dir("nobinaries");
    let empty = scratch_dir("empty-bin");
    let output = gonghui(&data_dir)
        .env("GONGHUI_PG_BIN_DIR", &empty)
        .env("GONGHUI_BIND", "127.0.0.1:0")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("apt-get install postgresql"), "{stderr}");
    assert!(
        stderr.contains("DATABASE_URL"),
        "the alternative is named: {stderr}"
    );
    let _ = std::fs::remove_dir_all(&data_dir);
    let _ = std::fs::remove_dir_all(&empty);
}

#[test]
fn create_admin_reads_the_password_from_stdin_and_never_prints_it() {
    use std::io::Write;
    let data_dir = scratch_dir("create-admin");
    let mut child = gonghui(&data_dir)
        .args(["create-admin", "--username", "Chief"])
        .env("RUST_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // No organisation yet in a fresh database: the command says so and how to fix it.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a-long-secret-pass\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!output.status.success());
    assert!(all.contains("seed --demo"), "{all}");

    assert!(
        gonghui(&data_dir)
            .args(["seed", "--demo"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let mut child = gonghui(&data_dir)
        .args(["create-admin", "--username", "Chief"])
        .env("RUST_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a-long-secret-pass\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{all}");
    assert!(all.contains("`chief` is ready"), "{all}");
    assert!(
        !all.contains("a-long-secret-pass"),
        "the password never appears in the output or logs"
    );
    assert!(
        !cluster_runs(&data_dir),
        "a one-off command stops the cluster it started"
    );
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// Runs `gonghui rotate-key` with `new_key` on stdin; returns whether it succeeded and what it said.
fn rotate_key(data_dir: &Path, new_key: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = gonghui(data_dir)
        .arg("rotate-key")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{new_key}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[tokio::test]
async fn rotating_the_secret_key_keeps_every_member_readable_and_findable() {
    let data_dir = scratch_dir("rotate-key");
    let id = crate::helpers::id_number("19900505", 505);
    let server = Server::start(&data_dir);
    let staff = Browser::new(&server.address);
    staff.sign_in("staff", PASSWORD).await;
    let created = staff
        .post_form(
            "/members",
            &[
                ("organisation_code", "DL-GJZ-HQ-SD"),
                ("name", "钥匙"),
                ("id_number", &id),
                ("phone", "13941115050"),
                ("occupation", "courier"),
                ("join_date", "2026-11-20"),
                ("join_channel", "staff"),
            ],
        )
        .await;
    let member = crate::helpers::location(&created);
    assert!(member.starts_with("/members/"), "the member is created");
    server.stop();
    let old_key = std::fs::read_to_string(data_dir.join("secret-key")).unwrap();

    let (ok, said) = rotate_key(&data_dir, "too short");
    assert!(!ok && said.contains("at least 32 characters"), "{said}");
    let new_key = "a brand new key for personal data, 2026-11";
    let (ok, said) = rotate_key(&data_dir, new_key);
    assert!(ok, "{said}");
    // The demo's members (1,169 with the federation's ceremonies) and the one created above.
    assert!(said.contains("Re-encrypted 1170 members"), "{said}");
    assert!(!said.contains(new_key), "the key is never printed");
    assert_eq!(
        std::fs::read_to_string(data_dir.join("secret-key")).unwrap(),
        new_key
    );
    assert!(!data_dir.join("secret-key.new").exists());

    // The app, now on the new key, still finds the member by ID and phone and shows them in full.
    let server = Server::start(&data_dir);
    let staff = Browser::new(&server.address);
    staff.sign_in("staff", PASSWORD).await;
    for query in [id.as_str(), "13941115050"] {
        let (_, page) = staff.page(&format!("/members?q={query}")).await;
        assert!(page.contains("钥匙"), "found by {query}");
    }
    let (status, page) = staff.page(&format!("{member}/identity")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&id) && page.contains("13941115050"));
    server.stop();

    // Rotating again with the old key as "current" is refused and changes nothing.
    std::fs::write(data_dir.join("secret-key"), &old_key).unwrap();
    let (ok, said) = rotate_key(&data_dir, "yet another key, long enough to be valid");
    assert!(!ok && said.contains("nothing was changed"), "{said}");
    std::fs::write(data_dir.join("secret-key"), new_key).unwrap();
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// Every sealed column of the schema (`*_cipher`, with its blind index `*_index` where one exists),
/// found by reading the schema rather than a list, is re-sealed by the rotation: a table added with
/// personal data and forgotten in `pii::rotation` fails here.
#[tokio::test]
async fn key_rotation_covers_every_sealed_column_of_the_schema() {
    use gonghui::pii::Pii;
    use secrecy::SecretString;

    let app = crate::helpers::TestApp::spawn().await;
    // One of each kind of sealed row: members (demo), a joining request, an upload at its preview.
    let admin = app.signed_in("admin").await;
    let upload = crate::imports::upload(
        &admin,
        "名单.csv",
        crate::imports::gbk_csv(&crate::imports::drivers(2, None)),
        "import",
    )
    .await;
    assert_eq!(upload.status(), StatusCode::SEE_OTHER);
    crate::helpers::join_online(
        &app.browser(),
        "DL-JZ-SQ",
        "韩梅梅",
        &crate::helpers::id_number("19930303", 303),
        "13900003333",
    )
    .await;

    let old = Pii::new(&SecretString::from(crate::helpers::TEST_KEY)).unwrap();
    let new = Pii::new(&SecretString::from(
        "the next key of the test suite, long enough",
    ))
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    gonghui::pii::rotation::rotate(&mut tx, &old, &new)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let sealed: Vec<(String, String)> = sqlx::query_as(
        "select table_name::text, column_name::text from information_schema.columns
         where table_schema = 'public' and data_type = 'bytea' and column_name like '%\\_cipher'
         order by 1, 2",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(sealed.len() >= 5, "{sealed:?}");
    for (table, column) in &sealed {
        let index = column.replace("_cipher", "_index");
        let has_index: bool = sqlx::query_scalar(
            "select exists (select 1 from information_schema.columns
                            where table_name = $1 and column_name = $2)",
        )
        .bind(table)
        .bind(&index)
        .fetch_one(&app.db)
        .await
        .unwrap();
        let select = if has_index {
            format!("select {column}, {index} from {table} where {column} is not null")
        } else {
            format!("select {column}, null::bytea from {table} where {column} is not null")
        };
        let rows: Vec<(Vec<u8>, Option<Vec<u8>>)> =
            sqlx::query_as(&select).fetch_all(&app.db).await.unwrap();
        assert!(!rows.is_empty(), "no {table}.{column} to check");
        for (cipher, blind) in rows {
            let plain = new
                .decrypt_bytes(&cipher)
                .unwrap_or_else(|_| panic!("{table}.{column} is not sealed with the new key"));
            if let Some(blind) = blind {
                let plain = String::from_utf8(plain).unwrap();
                assert_eq!(new.index(&plain), blind, "{table}.{index} recomputed");
            }
        }
    }
}
