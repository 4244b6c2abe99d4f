-- A joining ceremony (入会仪式): for one organisation and one day (Beijing time), staff lift the
-- public form's per-address limit, since everyone at the ceremony sends from the venue's Wi-Fi or
-- one carrier's network. Closed by staff or by the end of the day.
create table join_ceremonies (
    id               bigint generated always as identity primary key,
    organisation_id  bigint not null references organisations (id),
    day              date not null,
    opened_by        bigint references users (id),
    opened_by_name   text not null,
    opened_at        timestamptz not null default now(),
    closed_at        timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    unique (organisation_id, day)
);
