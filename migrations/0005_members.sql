-- Members (会员): records with protected personal data, their history, online join requests, and
-- uploads waiting for confirmation.
--
-- Personal data (PIPL): the resident ID number and the phone are stored encrypted (AES-256-GCM, key
-- from configuration, never in the database) and found by exact match through a keyed HMAC "blind
-- index". Their masked forms are stored beside them for display to everyone.

-- Two-character pieces of a name: Chinese names are two to four characters, so a search for any two
-- of them must be fast, and pg_trgm needs three. A GIN index on this array answers it.
create function name_bigrams(name text) returns text[]
language sql immutable parallel safe as $$
    select coalesce(array_agg(distinct substr(name, i, 2)), '{}')
    from generate_series(1, greatest(char_length(name) - 1, 0)) as i
$$;

create sequence member_number_seq;

create table members (
    id                  bigint generated always as identity primary key,
    organisation_id     bigint not null references organisations (id),
    -- GH + year of joining + 7 digits, e.g. GH20260000123
    member_no           text not null unique,
    name                text not null check (length(btrim(name)) between 1 and 50),
    name_pieces         text[] generated always as (name_bigrams(name)) stored,
    gender              text not null check (gender in ('male', 'female')),
    birth_date          date not null,
    id_number_cipher    bytea not null,
    -- one ID number, one member
    id_number_index     bytea not null unique,
    id_number_masked    text not null,
    phone_cipher        bytea not null,
    phone_index         bytea not null,
    phone_masked        text not null,
    employer            text not null default '',
    occupation          text not null check (occupation in (
                            'delivery_rider', 'courier', 'truck_driver', 'ride_hailing_driver',
                            'domestic_worker', 'other')),
    skill_level         text check (skill_level in (
                            'junior', 'intermediate', 'senior', 'technician', 'senior_technician')),
    join_date           date not null,
    join_channel        text not null check (join_channel in ('staff', 'online', 'ceremony', 'import')),
    status              text not null default 'active'
                        check (status in ('active', 'transferred_out', 'lapsed')),
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);

create index members_organisation on members (organisation_id, join_date desc, id desc);
create index members_join_date on members (join_date desc, id desc);
-- Names in code-point order (the "C" collation): one index serves a surname search (`like '王%'`,
-- which PostgreSQL 15 answers from a B-tree only under "C"), its name-ordered page, and, through the
-- included columns, its counts by occupation, without visiting ~1% of a city's rows on the table.
create index members_name on members ((name collate "C"), id) include (occupation, status);
create index members_name_pieces on members using gin (name_pieces);
create index members_name_trgm on members using gin (name gin_trgm_ops);
create index members_phone on members (phone_index);
create trigger members_updated_at before update on members
    for each row execute function set_updated_at();

-- What happened to a member: joining, transfers (both organisations kept), lapses, reinstatements.
create table member_events (
    id                    bigint generated always as identity primary key,
    member_id             bigint not null references members (id),
    kind                  text not null check (kind in ('joined', 'updated', 'transferred', 'lapsed', 'reinstated')),
    from_organisation_id  bigint references organisations (id),
    to_organisation_id    bigint references organisations (id),
    note                  text not null default '',
    actor_name            text not null,
    occurred_at           timestamptz not null default now(),
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now()
);

create index member_events_member on member_events (member_id, id);

-- Requests from the public joining page, waiting in the organisation's queue.
create table join_requests (
    id                  bigint generated always as identity primary key,
    -- what the worker keeps to look up progress; random, not guessable
    reference           text not null unique,
    organisation_id     bigint not null references organisations (id),
    name                text not null,
    id_number_cipher    bytea not null,
    id_number_index     bytea not null,
    id_number_masked    text not null,
    phone_cipher        bytea not null,
    phone_masked        text not null,
    employer            text not null default '',
    occupation          text not null,
    status              text not null default 'pending' check (status in ('pending', 'approved', 'declined')),
    decline_reason      text not null default '',
    member_id           bigint references members (id),
    ip                  inet,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);

create index join_requests_queue on join_requests (organisation_id, status, id);
create index join_requests_ip on join_requests (ip, created_at);
create trigger join_requests_updated_at before update on join_requests
    for each row execute function set_updated_at();

-- An uploaded member file between its preview and its confirmation. The file is kept encrypted (it
-- holds ID numbers) and deleted once imported.
create table member_imports (
    id               uuid primary key,
    organisation_id  bigint not null references organisations (id),
    user_id          bigint not null references users (id),
    file_name        text not null,
    join_channel     text not null check (join_channel in ('import', 'ceremony')),
    payload_cipher   bytea,
    status           text not null default 'previewed'
                     check (status in ('previewed', 'running', 'done', 'failed')),
    total_rows       integer not null default 0,
    processed_rows   integer not null default 0,
    imported_rows    integer not null default 0,
    skipped_rows     integer not null default 0,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

create trigger member_imports_updated_at before update on member_imports
    for each row execute function set_updated_at();

-- Members per organisation, occupation and status, kept by statement-level triggers so the list's
-- counts by occupation need not scan a million rows. Statement-level: a 100,000-row import updates
-- each counter once, not 100,000 times.
create table member_counts (
    organisation_id  bigint not null references organisations (id),
    occupation       text not null,
    status           text not null,
    n                bigint not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (organisation_id, occupation, status)
);

create function member_counts_add() returns trigger
language plpgsql as $$
begin
    insert into member_counts (organisation_id, occupation, status, n)
    select organisation_id, occupation, status, count(*) from new_rows
    group by organisation_id, occupation, status
    on conflict (organisation_id, occupation, status)
    do update set n = member_counts.n + excluded.n, updated_at = now();
    return null;
end
$$;

create function member_counts_move() returns trigger
language plpgsql as $$
begin
    update member_counts c set n = c.n - o.k, updated_at = now()
    from (select organisation_id, occupation, status, count(*) as k from old_rows
          group by organisation_id, occupation, status) o
    where c.organisation_id = o.organisation_id and c.occupation = o.occupation and c.status = o.status;
    insert into member_counts (organisation_id, occupation, status, n)
    select organisation_id, occupation, status, count(*) from new_rows
    group by organisation_id, occupation, status
    on conflict (organisation_id, occupation, status)
    do update set n = member_counts.n + excluded.n, updated_at = now();
    return null;
end
$$;

create trigger members_count_insert after insert on members
    referencing new table as new_rows
    for each statement execute function member_counts_add();
create trigger members_count_update after update on members
    referencing old table as old_rows new table as new_rows
    for each statement execute function member_counts_move();
