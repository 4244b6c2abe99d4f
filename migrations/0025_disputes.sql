-- Labour dispute cases (劳动争议案件) and their mediation rounds. A case is taken in by a union
-- (from a station, the hotline, online, a walk-in or a referral), accepted and given to a mediator
-- (the new role `mediator`), mediated in rounds, and closed: mediated with an agreed amount,
-- referred to arbitration or court, withdrawn, or not accepted. Mediation must end within 15 days
-- of acceptance (劳动争议调解仲裁法 art. 14) unless both parties agree to extend it. A worker who is not
-- a member has their ID number and phone sealed exactly as members' are.

alter table users drop constraint users_roles_check;
alter table users add constraint users_roles_check
    check (roles <@ array['admin', 'staff', 'reviewer', 'manager', 'auditor', 'judge', 'mediator']);

create table dispute_cases (
    id                   bigint generated always as identity primary key,
    organisation_id      bigint not null references organisations (id),
    -- 甘劳调〔2026〕12号: the union's mark, the year of intake and its sequence in that year
    number               text not null,
    year                 integer not null check (year between 2000 and 2100),
    sequence             integer not null check (sequence > 0),
    channel              text not null check (channel in (
                             'station', 'hotline', 'online', 'walk_in', 'referral')),
    kind                 text not null check (kind in (
                             'wage_arrears', 'social_insurance', 'work_injury', 'termination',
                             'overtime_rest', 'other')),
    member_id            bigint references members (id),
    worker_name          text not null check (length(btrim(worker_name)) between 1 and 40),
    -- a worker who is not a member: sealed by the app's key, found by the blind index
    worker_id_cipher     bytea,
    worker_id_index      bytea,
    worker_phone_cipher  bytea,
    employer_id          bigint not null references employers (id),
    facts                text not null check (length(btrim(facts)) between 1 and 2000),
    claimed              bigint not null check (claimed >= 0),
    received_on          date not null,
    status               text not null default 'received' check (status in (
                             'received', 'mediating', 'mediated', 'referred', 'withdrawn',
                             'not_accepted')),
    mediator_id          bigint references users (id),
    accepted_on          date,
    -- the last day of mediation: 15 days after acceptance, or later by both parties' agreement
    due_on               date,
    extended             boolean not null default false,
    agreed               bigint check (agreed >= 0),
    outcome_note         text not null default '' check (length(outcome_note) <= 1000),
    closed_on            date,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    unique (organisation_id, year, sequence),
    unique (organisation_id, number),
    check (member_id is not null or (worker_id_cipher is not null and worker_phone_cipher is not null)),
    check (status in ('received', 'not_accepted') or (accepted_on is not null and due_on is not null
                                                      and mediator_id is not null)),
    check (status <> 'mediated' or agreed is not null),
    check (accepted_on is null or accepted_on >= received_on),
    check (closed_on is null or closed_on >= received_on)
);

create index dispute_cases_organisation on dispute_cases (organisation_id, received_on desc);
create index dispute_cases_mediator on dispute_cases (mediator_id, status);
create index dispute_cases_open_due on dispute_cases (due_on) where status = 'mediating';
create index dispute_cases_employer on dispute_cases (employer_id);
create trigger dispute_cases_updated_at before update on dispute_cases
    for each row execute function set_updated_at();

create table dispute_rounds (
    id             bigint generated always as identity primary key,
    case_id        bigint not null references dispute_cases (id),
    held_on        date not null,
    -- who came for the worker and for the employer
    worker_side    text not null default '' check (length(worker_side) <= 200),
    employer_side  text not null default '' check (length(employer_side) <= 200),
    claimed        bigint check (claimed >= 0),
    offered        bigint check (offered >= 0),
    agreed         bigint check (agreed >= 0),
    next_step      text not null default '' check (length(next_step) <= 500),
    next_on        date,
    recorded_by    bigint references users (id),
    created_at     timestamptz not null default now(),
    check (next_on is null or next_on >= held_on)
);

create index dispute_rounds_case on dispute_rounds (case_id, held_on);
