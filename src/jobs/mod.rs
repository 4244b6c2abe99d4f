//! Background jobs: work that outlives a request (a member import today; large exports,
//! certificates and reminders next). A job is a row of the `jobs` table, so it survives a restart;
//! a worker started beside the server takes ready jobs one at a time with `for update skip locked`,
//! so any number of instances share the queue and no job runs twice at once.
//!
//! A module adds a job in three steps: a handler `fn(AppState, Job) -> JobFuture` (one transaction
//! for its changes, so a crash half-way leaves nothing half-written), a line in
//! [`crate::app::jobs`] naming it, and [`enqueue`] in the transaction of the request that asks for
//! it. A handler whose process dies is taken up again once its heartbeat stops; after
//! `max_attempts` the job fails and the kind's `on_failed` hook tells the record that owns it.

pub mod queries;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::state::AppState;

pub use queries::enqueue;

/// A job as its handler receives it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    /// 1 on the first run.
    pub attempt: i32,
    pub max_attempts: i32,
}

pub type JobFuture = Pin<Box<dyn Future<Output = Result<(), crate::BoxError>> + Send>>;
pub type Handler = fn(AppState, Job) -> JobFuture;

/// What the worker knows how to run, and the housekeeping it does on a schedule.
#[derive(Default)]
pub struct Registry {
    kinds: HashMap<&'static str, Kind>,
    periodic: Vec<Periodic>,
}

struct Kind {
    run: Handler,
    /// Called once a job of this kind has failed for good (errors, or crashes, `max_attempts`
    /// times), so the record that waits on it can say so instead of "running" for ever.
    on_failed: Option<Handler>,
}

struct Periodic {
    name: &'static str,
    every: Duration,
    task: fn(AppState) -> JobFuture,
}

impl Registry {
    pub fn job(mut self, kind: &'static str, run: Handler, on_failed: Option<Handler>) -> Self {
        self.kinds.insert(kind, Kind { run, on_failed });
        self
    }

    pub fn every(
        mut self,
        name: &'static str,
        every: Duration,
        task: fn(AppState) -> JobFuture,
    ) -> Self {
        self.periodic.push(Periodic { name, every, task });
        self
    }
}

/// How often an idle worker looks for work, and how long a running job may go without a heartbeat
/// before it is taken for dead.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub poll: Duration,
    pub heartbeat: Duration,
    pub lease: Duration,
    /// The wait before a failed job's second attempt; it doubles with each attempt after.
    pub retry_after: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            poll: Duration::from_millis(500),
            heartbeat: Duration::from_secs(15),
            lease: Duration::from_secs(60),
            retry_after: Duration::from_secs(10),
        }
    }
}

/// Runs the worker until `shutdown` resolves; a job in progress then finishes first.
pub async fn run_worker(
    state: AppState,
    registry: Arc<Registry>,
    timing: Timing,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut last_run: Vec<Option<tokio::time::Instant>> = vec![None; registry.periodic.len()];
    let kinds: Vec<String> = registry.kinds.keys().map(|kind| kind.to_string()).collect();
    loop {
        if let Err(error) = recover_stale(&state, &registry, timing.lease).await {
            tracing::error!(%error, "jobs: could not recover stale jobs");
        }
        for (index, periodic) in registry.periodic.iter().enumerate() {
            let due = last_run[index].is_none_or(|at| at.elapsed() >= periodic.every);
            if due {
                last_run[index] = Some(tokio::time::Instant::now());
                if let Err(error) = (periodic.task)(state.clone()).await {
                    tracing::error!(%error, task = periodic.name, "jobs: housekeeping failed");
                }
            }
        }
        let ran = match queries::take_next(&state.db, &kinds).await {
            Ok(Some(job)) => {
                run_one(&state, &registry, timing, job).await;
                true
            }
            Ok(None) => false,
            Err(error) => {
                tracing::error!(%error, "jobs: could not take the next job");
                false
            }
        };
        if !ran {
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(timing.poll) => {}
            }
        }
    }
}

async fn run_one(state: &AppState, registry: &Registry, timing: Timing, job: Job) {
    let Some(kind) = registry.kinds.get(job.kind.as_str()) else {
        return; // take_next gives only known kinds
    };
    let heartbeat = {
        let db = state.db.clone();
        let id = job.id;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(timing.heartbeat).await;
                let _ = queries::beat(&db, id).await;
            }
        })
    };
    let span = tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempt);
    let outcome =
        tracing::Instrument::instrument((kind.run)(state.clone(), job.clone()), span).await;
    heartbeat.abort();
    let recorded = match outcome {
        Ok(()) => queries::complete(&state.db, job.id).await,
        Err(error) => {
            tracing::error!(%error, id = job.id, kind = %job.kind, "jobs: a job failed");
            if job.attempt >= job.max_attempts {
                let failed = queries::fail(&state.db, job.id, &error.to_string()).await;
                notify_failed(state, kind, job).await;
                failed
            } else {
                let delay =
                    timing.retry_after * 2_u32.saturating_pow(job.attempt.clamp(1, 10) as u32 - 1);
                queries::retry(&state.db, job.id, &error.to_string(), delay).await
            }
        }
    };
    if let Err(error) = recorded {
        tracing::error!(%error, "jobs: could not record a job's outcome");
    }
}

async fn notify_failed(state: &AppState, kind: &Kind, job: Job) {
    if let Some(on_failed) = kind.on_failed
        && let Err(error) = on_failed(state.clone(), job).await
    {
        tracing::error!(%error, "jobs: the failure hook failed");
    }
}

/// Jobs whose process died (no heartbeat within the lease) go back to the queue, or fail when
/// their attempts are used up.
async fn recover_stale(state: &AppState, registry: &Registry, lease: Duration) -> sqlx::Result<()> {
    for job in queries::release_stale(&state.db, lease).await? {
        tracing::warn!(id = job.id, kind = %job.kind, "jobs: a running job stopped; taken up again or failed");
        if job.attempt >= job.max_attempts
            && let Some(kind) = registry.kinds.get(job.kind.as_str())
        {
            notify_failed(state, kind, job).await;
        }
    }
    Ok(())
}
