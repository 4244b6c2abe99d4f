-- Work done beside the requests: member imports now, large exports, certificates and reminders
-- later. A worker started with the server takes the next ready job with `for update skip locked`,
-- so any number of app instances share the queue and no job runs twice at once.
create table jobs (
    id            bigint generated always as identity primary key,
    -- Which handler runs it (registered in src/app.rs) and what it needs, as JSON.
    kind          text not null,
    payload       jsonb not null default '{}',
    status        text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
    attempts      int not null default 0,
    max_attempts  int not null default 3 check (max_attempts > 0),
    run_at        timestamptz not null default now(),
    -- Refreshed while a job runs: a running job whose heartbeat stopped (its process died) is
    -- taken up again, or failed once its attempts are used up.
    heartbeat_at  timestamptz,
    last_error    text,
    finished_at   timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create index jobs_ready on jobs (run_at) where status = 'queued';
create index jobs_running on jobs (heartbeat_at) where status = 'running';

create trigger jobs_updated_at before update on jobs
    for each row execute function set_updated_at();

-- Imports now run as jobs; an upload left at its preview is dropped (with its sealed payload) after
-- a day, and says so.
alter table member_imports drop constraint member_imports_status_check;
alter table member_imports add constraint member_imports_status_check
    check (status in ('previewed', 'running', 'done', 'failed', 'expired'));
alter table member_imports add column job_id bigint references jobs (id);
