//! The job queue: retries with a failure hook, recovery of a job whose process died, and the
//! housekeeping that drops uploads left at their preview.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use gonghui::jobs::{self, Job, JobFuture, Registry, Timing};
use gonghui::state::AppState;

use crate::helpers::TestApp;

static FLAKY_RUNS: AtomicUsize = AtomicUsize::new(0);
static FLAKY_HOOKS: AtomicUsize = AtomicUsize::new(0);
static STEADY_RUNS: AtomicUsize = AtomicUsize::new(0);

fn always_fails(_: AppState, _: Job) -> JobFuture {
    Box::pin(async {
        FLAKY_RUNS.fetch_add(1, Ordering::SeqCst);
        Err("the printer is out of paper".into())
    })
}

#[allow(clippy::needless_pass_by_value)] // the signature of every job handler
fn failed_for_good(_: AppState, job: Job) -> JobFuture {
    let last = job.attempt == job.max_attempts;
    Box::pin(async move {
        assert!(last, "told only after the last attempt");
        FLAKY_HOOKS.fetch_add(1, Ordering::SeqCst);
        Ok(())
    })
}

fn succeeds(_: AppState, _: Job) -> JobFuture {
    Box::pin(async {
        STEADY_RUNS.fetch_add(1, Ordering::SeqCst);
        Ok(())
    })
}

fn quick() -> Timing {
    Timing {
        poll: Duration::from_millis(20),
        heartbeat: Duration::from_millis(50),
        lease: Duration::from_millis(300),
        retry_after: Duration::from_millis(10),
    }
}

async fn status(app: &TestApp, id: i64) -> (String, i32, Option<String>) {
    sqlx::query_as("select status, attempts, last_error from jobs where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn wait_for(app: &TestApp, id: i64, wanted: &str) -> (String, i32, Option<String>) {
    for _ in 0..200 {
        let now = status(app, id).await;
        if now.0 == wanted {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "job {id} never became {wanted}: {:?}",
        status(app, id).await
    );
}

/// A worker of its own beside the app's, knowing the test's kinds; it ends with the returned sender.
fn worker(app: &TestApp, registry: Registry) -> tokio::sync::oneshot::Sender<()> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(jobs::run_worker(
        app.state.clone(),
        Arc::new(registry),
        quick(),
        async move {
            let _ = stopped.await;
        },
    ));
    stop
}

#[tokio::test]
async fn a_failing_job_is_retried_then_failed_and_its_owner_told_once() {
    let app = TestApp::spawn().await;
    let id = jobs::enqueue(&app.db, "test_flaky", &serde_json::json!({}))
        .await
        .unwrap();
    let _stop = worker(
        &app,
        Registry::default().job("test_flaky", always_fails, Some(failed_for_good)),
    );
    let (_, attempts, error) = wait_for(&app, id, "failed").await;
    assert_eq!(attempts, 3, "three attempts, then it stops");
    assert_eq!(error.as_deref(), Some("the printer is out of paper"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(FLAKY_RUNS.load(Ordering::SeqCst), 3);
    assert_eq!(FLAKY_HOOKS.load(Ordering::SeqCst), 1, "the hook runs once");
}

#[tokio::test]
async fn a_job_whose_process_died_is_taken_up_again() {
    let app = TestApp::spawn().await;
    // As a crashed worker leaves it: running, its heartbeat a minute old.
    let id: i64 = sqlx::query_scalar(
        "insert into jobs (kind, status, attempts, heartbeat_at)
         values ('test_steady', 'running', 1, now() - interval '1 minute') returning id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let _stop = worker(&app, Registry::default().job("test_steady", succeeds, None));
    let (_, attempts, _) = wait_for(&app, id, "done").await;
    assert_eq!(attempts, 2, "the second attempt finished it");
    assert!(STEADY_RUNS.load(Ordering::SeqCst) >= 1);
}

#[tokio::test]
async fn a_worker_leaves_kinds_it_does_not_know_to_one_that_does() {
    let app = TestApp::spawn().await;
    let id = jobs::enqueue(&app.db, "test_newer_kind", &serde_json::json!({}))
        .await
        .unwrap();
    // The app's own worker (an older instance, say) does not know this kind.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(status(&app, id).await.0, "queued");
    let _stop = worker(
        &app,
        Registry::default().job("test_newer_kind", succeeds, None),
    );
    wait_for(&app, id, "done").await;
}

#[tokio::test]
async fn an_upload_left_at_its_preview_is_dropped_after_a_day_and_says_so() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in("admin").await;
    let response = crate::imports::upload(
        &staff,
        "名单.csv",
        crate::imports::gbk_csv(&crate::imports::drivers(3, None)),
        "import",
    )
    .await;
    assert_eq!(response.status(), 303);
    let preview = crate::helpers::location(&response);
    sqlx::query("update member_imports set created_at = now() - interval '25 hours'")
        .execute(&app.db)
        .await
        .unwrap();
    gonghui::members::import::job::expire_previews(app.state.clone())
        .await
        .unwrap();
    let kept: Option<Vec<u8>> = sqlx::query_scalar("select payload_cipher from member_imports")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(kept.is_none(), "the sealed file is deleted");
    let (_, page) = staff.page(&preview).await;
    assert!(page.contains("已连同其中的身份证号一并删除"), "{page}");
    assert!(
        !page.contains("确认导入"),
        "an expired upload cannot be confirmed"
    );
    let confirmed = staff.post_form(&preview, &[]).await;
    assert_eq!(confirmed.status(), 303);
    let status: String = sqlx::query_scalar("select status from member_imports")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        status, "expired",
        "confirming an expired upload changes nothing"
    );
}
