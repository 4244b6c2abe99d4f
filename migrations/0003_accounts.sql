-- Staff accounts, their sessions, and sign-in attempts (for rate limiting).

create table users (
    id                    bigint generated always as identity primary key,
    organisation_id       bigint not null references organisations (id),
    username              text not null unique check (username ~ '^[a-z0-9_.-]{2,32}$'),
    display_name          text not null check (length(btrim(display_name)) between 1 and 50),
    -- argon2id PHC string
    password_hash         text not null,
    -- a role held at the account's organisation reaches its whole subtree
    roles                 text[] not null default '{}'
                          check (roles <@ array['admin', 'staff', 'reviewer', 'manager', 'auditor']),
    -- null until the user chooses: the browser's languages apply meanwhile
    locale                text check (locale in ('zh-CN', 'en')),
    must_change_password  boolean not null default false,
    disabled_at           timestamptz,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now()
);

create index users_organisation on users (organisation_id);
create trigger users_updated_at before update on users
    for each row execute function set_updated_at();

-- Sessions live here, not in memory, so several app instances can share them.
-- The cookie holds a random token; only its SHA-256 is stored, so a leaked table opens no session.
create table sessions (
    token_hash    bytea primary key,
    user_id       bigint not null references users (id) on delete cascade,
    ip            inet,
    user_agent    text not null default '',
    created_at    timestamptz not null default now(),
    last_seen_at  timestamptz not null default now()
);

create index sessions_user on sessions (user_id);

create table login_attempts (
    id            bigint generated always as identity primary key,
    username      text not null,
    ip            inet,
    succeeded     boolean not null,
    attempted_at  timestamptz not null default now()
);

create index login_attempts_username on login_attempts (username, attempted_at);
create index login_attempts_ip on login_attempts (ip, attempted_at);
