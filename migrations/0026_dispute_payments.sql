-- A mediation agreement's payment schedule (instalments) and the payments made. What was
-- recovered for the worker is what was paid, never what was agreed; an instalment whose day has
-- passed without the money flags the agreement.

create table dispute_instalments (
    id       bigint generated always as identity primary key,
    case_id  bigint not null references dispute_cases (id),
    due_on   date not null,
    amount   bigint not null check (amount > 0)
);
create index dispute_instalments_case on dispute_instalments (case_id, due_on);

create table dispute_payments (
    id           bigint generated always as identity primary key,
    case_id      bigint not null references dispute_cases (id),
    paid_on      date not null,
    amount       bigint not null check (amount > 0),
    recorded_by  bigint references users (id),
    created_at   timestamptz not null default now()
);
create index dispute_payments_case on dispute_payments (case_id, paid_on);
