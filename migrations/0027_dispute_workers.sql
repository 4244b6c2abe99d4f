-- A collective case (集体争议): the further workers of a case, each with their own claim. The
-- case keeps its first worker (the one who came, often the representative) and `claimed` becomes
-- the case's total: the first worker's claim (`worker_claimed`) and every further worker's.

alter table dispute_cases add column worker_claimed bigint;
update dispute_cases set worker_claimed = claimed;
alter table dispute_cases alter column worker_claimed set not null;
alter table dispute_cases add constraint dispute_cases_worker_claimed_check
    check (worker_claimed >= 0 and worker_claimed <= claimed);

create table dispute_case_workers (
    id                   bigint generated always as identity primary key,
    case_id              bigint not null references dispute_cases (id),
    member_id            bigint references members (id),
    worker_name          text not null check (length(btrim(worker_name)) between 1 and 40),
    worker_id_cipher     bytea,
    worker_id_index      bytea,
    worker_phone_cipher  bytea,
    claimed              bigint not null check (claimed >= 0),
    added_by             bigint references users (id),
    created_at           timestamptz not null default now(),
    check (member_id is not null or (worker_id_cipher is not null and worker_phone_cipher is not null))
);

create index dispute_case_workers_case on dispute_case_workers (case_id, id);
-- one worker once per case
create unique index dispute_case_workers_member on dispute_case_workers (case_id, member_id)
    where member_id is not null;
create unique index dispute_case_workers_outsider on dispute_case_workers (case_id, worker_id_index)
    where worker_id_index is not null;

-- A case withdrawn before it was accepted has no mediator and no limit: the first version of
-- this check refused that withdrawal, which the steps allow.
alter table dispute_cases drop constraint dispute_cases_check1;
alter table dispute_cases add constraint dispute_cases_accepted_check
    check (status in ('received', 'not_accepted', 'withdrawn')
           or (accepted_on is not null and due_on is not null and mediator_id is not null));
