-- Contest applications (申报) and the subsidy funds (专项资金) they draw on, with the fund's
-- append-only ledger; also two pieces every later module shares: attachments and in-app notices.
-- Money is bigint fen everywhere.

-- The catalogue of tracks (赛道); the competitions module extends it, never a second one.
create table tracks (
    id          bigint generated always as identity primary key,
    name        text not null unique check (length(btrim(name)) between 1 and 60),
    sector      text not null default '' check (length(sector) <= 60),
    -- 新质生产力 (low-altitude economy, AI …) or traditional (equipment, logistics …)
    frontier    boolean not null default false,
    first_year  integer not null check (first_year between 1950 and 2100),
    active      boolean not null default true,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create trigger tracks_updated_at before update on tracks
    for each row execute function set_updated_at();

-- A fund of an organisation for a year, with its rules (管理办法), which the app enforces.
create table funds (
    id                    bigint generated always as identity primary key,
    organisation_id       bigint not null references organisations (id),
    year                  integer not null check (year between 2000 and 2100),
    name                  text not null check (length(btrim(name)) between 1 and 100),
    purpose               text not null default '' check (length(purpose) <= 2000),
    -- the tiers it pays for
    tiers                 smallint[] not null check (cardinality(tiers) > 0 and tiers <@ array[1, 2, 3]::smallint[]),
    -- the most it grants one contest of each tier; null: no limit of its own
    max_grant_tier2       bigint check (max_grant_tier2 > 0),
    max_grant_tier3       bigint check (max_grant_tier3 > 0),
    -- the largest share of a contest's own budget it pays, in percent
    max_share_percent     smallint not null default 100 check (max_share_percent between 1 and 100),
    -- applications are accepted from opens_on to closes_on, both included
    opens_on              date not null,
    closes_on             date not null,
    -- the final report is due this many days after the contest ends
    report_due_days       integer not null default 30 check (report_due_days between 1 and 366),
    -- grants above this need a second, different reviewer; null: one sign-off
    second_signoff_above  bigint check (second_signoff_above >= 0),
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    check (closes_on >= opens_on),
    unique (organisation_id, year, name)
);
create index funds_organisation on funds (organisation_id, year);
create trigger funds_updated_at before update on funds
    for each row execute function set_updated_at();

-- Where a fund's money sits: its pool (what is not allocated) and its allocations, by tier and/or
-- by district or industry union. The balances are kept here, updated by the ledger's trigger in
-- the same transaction as the ledger row; the checks make the database itself refuse a balance
-- below zero, and an UPDATE holds the row's lock, so concurrent grants queue up on it and the
-- second sees the first's commitment (no fen is over-committed, on any number of app instances).
create table fund_accounts (
    id               bigint generated always as identity primary key,
    fund_id          bigint not null references funds (id),
    is_pool          boolean not null default false,
    tier             smallint check (tier in (1, 2, 3)),
    organisation_id  bigint references organisations (id),
    appropriated     bigint not null default 0,
    committed        bigint not null default 0,
    disbursed        bigint not null default 0,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint fund_accounts_not_negative check (appropriated >= 0 and committed >= 0 and disbursed >= 0),
    constraint fund_accounts_available check (appropriated - committed - disbursed >= 0),
    -- the pool names neither a tier nor an organisation; an allocation names at least one
    check (is_pool = (tier is null and organisation_id is null)),
    constraint fund_accounts_one_each unique nulls not distinct (fund_id, tier, organisation_id)
);
create trigger fund_accounts_updated_at before update on fund_accounts
    for each row execute function set_updated_at();

create table applications (
    id                   bigint generated always as identity primary key,
    -- given at the first submission: 2025-二类-0096
    number               text unique,
    fund_id              bigint not null references funds (id),
    organisation_id      bigint not null references organisations (id),
    tier                 smallint not null check (tier in (2, 3)),
    track_id             bigint not null references tracks (id),
    title                text not null check (length(btrim(title)) between 1 and 100),
    planned_start        date not null,
    planned_end          date not null,
    venue                text not null default '' check (length(venue) <= 200),
    expected_contestants integer not null check (expected_contestants between 0 and 1000000),
    expected_companies   integer not null check (expected_companies between 0 and 100000),
    contact_name         text not null default '' check (length(contact_name) <= 50),
    contact_phone        text not null default '' check (length(contact_phone) <= 30),
    -- the budget by line
    budget_venue         bigint not null default 0 check (budget_venue >= 0),
    budget_materials     bigint not null default 0 check (budget_materials >= 0),
    budget_prizes        bigint not null default 0 check (budget_prizes >= 0),
    budget_judges        bigint not null default 0 check (budget_judges >= 0),
    budget_training      bigint not null default 0 check (budget_training >= 0),
    budget_other         bigint not null default 0 check (budget_other >= 0),
    budget_total         bigint generated always as (budget_venue + budget_materials + budget_prizes
                             + budget_judges + budget_training + budget_other) stored,
    requested            bigint not null check (requested >= 0),
    status               text not null default 'draft' check (status in (
                             'draft', 'submitted', 'under_review', 'returned', 'resubmitted',
                             'recommended', 'approved', 'rejected', 'withdrawn', 'reported',
                             'settled', 'cancelled')),
    -- the reviewer who took it up
    reviewer_id          bigint references users (id),
    -- a second sign-off's first half: who recommended which amount
    recommended_by       bigint references users (id),
    recommended          bigint check (recommended > 0),
    -- the grant and the account it was committed on
    granted              bigint check (granted > 0),
    account_id           bigint references fund_accounts (id),
    disbursed            bigint check (disbursed >= 0),
    -- the application as it stood when last returned, to show what changed on resubmission
    returned_snapshot    jsonb,
    return_note          text not null default '',
    first_submitted_at   timestamptz,
    submitted_at         timestamptz,
    decided_at           timestamptz,
    report_due_on        date,
    -- the final report
    actual_start         date,
    actual_end           date,
    actual_contestants   integer check (actual_contestants between 0 and 1000000),
    actual_companies     integer check (actual_companies between 0 and 100000),
    winners              text not null default '' check (length(winners) <= 4000),
    spent_venue          bigint check (spent_venue >= 0),
    spent_materials      bigint check (spent_materials >= 0),
    spent_prizes         bigint check (spent_prizes >= 0),
    spent_judges         bigint check (spent_judges >= 0),
    spent_training       bigint check (spent_training >= 0),
    spent_other          bigint check (spent_other >= 0),
    spent_total          bigint generated always as (spent_venue + spent_materials + spent_prizes
                             + spent_judges + spent_training + spent_other) stored,
    reported_at          timestamptz,
    created_by           bigint references users (id),
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    check (planned_end >= planned_start),
    check (actual_end >= actual_start),
    check (granted is null or granted <= requested),
    check ((status in ('approved', 'reported', 'settled', 'cancelled')) = (granted is not null))
);
create index applications_fund_status on applications (fund_id, status);
create index applications_organisation on applications (organisation_id);
create index applications_queue on applications (submitted_at) where status in ('submitted', 'resubmitted', 'under_review', 'recommended');
create trigger applications_updated_at before update on applications
    for each row execute function set_updated_at();

-- Every movement of money, append-only: each row is the change it makes to one account's three
-- balances. A wrong row is reversed by a correction (`reverses_id`), never edited.
create table ledger_entries (
    id              bigint generated always as identity primary key,
    fund_id         bigint not null references funds (id),
    account_id      bigint not null references fund_accounts (id),
    kind            text not null check (kind in (
                        'appropriation', 'allocation', 'commitment', 'release', 'disbursement',
                        'correction')),
    appropriated    bigint not null default 0,
    committed       bigint not null default 0,
    disbursed       bigint not null default 0,
    application_id  bigint references applications (id),
    reverses_id     bigint unique references ledger_entries (id),
    actor_id        bigint references users (id),
    actor_name      text not null,
    memo            text not null default '' check (length(memo) <= 500),
    occurred_at     timestamptz not null default now(),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    check (appropriated <> 0 or committed <> 0 or disbursed <> 0)
);
create index ledger_entries_fund on ledger_entries (fund_id, id desc);
create index ledger_entries_account on ledger_entries (account_id);
create index ledger_entries_application on ledger_entries (application_id) where application_id is not null;

-- The one refusal of every append-only table (the audit trail has its own, older one).
create function refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception '% is append-only: % refused', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end
$$;
create trigger ledger_entries_no_update_delete before update or delete on ledger_entries
    for each row execute function refuse_change();
create trigger ledger_entries_no_truncate before truncate on ledger_entries
    for each statement execute function refuse_change();

-- A ledger row moves its account's balances in the same statement; a balance that would fall
-- below zero fails the account's check and with it the insert.
create function ledger_entries_apply() returns trigger
language plpgsql as $$
begin
    update fund_accounts
       set appropriated = appropriated + new.appropriated,
           committed = committed + new.committed,
           disbursed = disbursed + new.disbursed
     where id = new.account_id and fund_id = new.fund_id;
    if not found then
        raise exception 'account % is not of fund %', new.account_id, new.fund_id;
    end if;
    return new;
end
$$;
create trigger ledger_entries_apply after insert on ledger_entries
    for each row execute function ledger_entries_apply();

-- Files attached to a record (an application's plan, budget sheet, photos, receipts; later a
-- case's evidence): checked by their content, kept in the database so a backup holds them, and
-- served only through the record that owns them.
create table attachments (
    id            bigint generated always as identity primary key,
    -- the record: an audit-trail entity name and its id
    owner_entity  text not null,
    owner_id      bigint not null,
    -- what the file is for (plan, budget, photo, receipt …), a code of the owner's module
    purpose       text not null,
    file_name     text not null check (length(file_name) between 1 and 200),
    content_type  text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes    integer not null check (size_bytes between 1 and 10485760),
    sha256        bytea not null,
    content       bytea not null,
    uploaded_by   bigint references users (id),
    uploader_name text not null,
    deleted_at    timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index attachments_owner on attachments (owner_entity, owner_id) where deleted_at is null;

-- In-app notices: one row per recipient, so the header's count is one indexed lookup.
create table notices (
    id          bigint generated always as identity primary key,
    user_id     bigint not null references users (id),
    -- what it is about, linked from the list
    entity      text not null,
    entity_id   bigint not null,
    link        text not null check (link like '/%'),
    -- a catalogue key and the record's name or number
    message     text not null,
    subject     text not null default '',
    read_at     timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create index notices_unread on notices (user_id, id desc) where read_at is null;
create index notices_user on notices (user_id, id desc);
