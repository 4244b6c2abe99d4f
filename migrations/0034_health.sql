-- Health huts (健康小屋), health corners and check-up vans: check-ups of members with up to twelve
-- indicators, normal ranges that health staff configure, and an alert for every value outside
-- its range, followed up (advice, referral, next check) and closed by the hut's doctor or health
-- staff. Health data is the most sensitive data of the app: only the new role `health` reads it,
-- in its subtree; every read is audited without the values.

alter table users drop constraint users_roles_check;
alter table users add constraint users_roles_check
    check (roles <@ array['admin', 'staff', 'reviewer', 'manager', 'auditor', 'judge', 'mediator',
                          'health']);

-- Values are fixed-point hundredths of their unit (a blood glucose of 6.1 mmol/L is 610).
create table health_ranges (
    indicator  text primary key check (indicator in (
                   'systolic', 'diastolic', 'spo2', 'heart_rate', 'glucose', 'temperature',
                   'weight', 'height', 'bmi', 'body_fat', 'uric_acid', 'cholesterol')),
    low        bigint,
    high       bigint,
    check (low is null or high is null or low < high)
);
insert into health_ranges (indicator, low, high) values
    ('systolic', 9000, 13900), ('diastolic', 6000, 8900), ('spo2', 9500, null),
    ('heart_rate', 6000, 10000), ('glucose', 390, 610), ('temperature', 3600, 3730),
    ('weight', null, null), ('height', null, null), ('bmi', 1850, 2399),
    ('body_fat', null, 3000), ('uric_acid', null, 42000), ('cholesterol', null, 520);

create table health_checkups (
    id           bigint generated always as identity primary key,
    member_id    bigint not null references members (id),
    -- a health hut, a health corner or a check-up van (a mobile station)
    station_id   bigint not null references stations (id),
    taken_at     timestamptz not null,
    recorded_by  bigint references users (id),
    created_at   timestamptz not null default now()
);
create index health_checkups_member on health_checkups (member_id, taken_at);
create index health_checkups_station on health_checkups (station_id, taken_at);

create table health_readings (
    checkup_id  bigint not null references health_checkups (id) on delete cascade,
    indicator   text not null references health_ranges (indicator),
    value       bigint not null check (value >= 0),
    primary key (checkup_id, indicator)
);

create table health_alerts (
    id           bigint generated always as identity primary key,
    checkup_id   bigint not null references health_checkups (id),
    indicator    text not null references health_ranges (indicator),
    value        bigint not null,
    -- the range it fell outside, as it stood then
    low          bigint,
    high         bigint,
    status       text not null default 'open' check (status in ('open', 'closed')),
    advice       text not null default '' check (length(advice) <= 500),
    referred     boolean not null default false,
    next_check   date,
    closed_by    bigint references users (id),
    closed_at    timestamptz,
    unique (checkup_id, indicator)
);
create index health_alerts_open on health_alerts (status, checkup_id) where status = 'open';
