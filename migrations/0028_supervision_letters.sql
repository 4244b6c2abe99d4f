-- The official calendar's exceptions to "Monday to Friday": public holidays that fall on a
-- weekday and the weekend days worked in their place (调休), from the State Council's yearly
-- notice. Deadlines counted in working days (a letter's reply, a fast claim) read it; a year not
-- listed counts Monday to Friday.
create table calendar_days (
    day      date primary key,
    working  boolean not null,
    name     text not null default ''
);

insert into calendar_days (day, working, name)
select d::date, false, name from (values
    ('2025-01-01', '2025-01-01', '元旦'), ('2025-01-28', '2025-02-04', '春节'),
    ('2025-04-04', '2025-04-06', '清明节'), ('2025-05-01', '2025-05-05', '劳动节'),
    ('2025-05-31', '2025-06-02', '端午节'), ('2025-10-01', '2025-10-08', '国庆节、中秋节'),
    ('2026-01-01', '2026-01-03', '元旦'), ('2026-02-15', '2026-02-23', '春节'),
    ('2026-04-04', '2026-04-06', '清明节'), ('2026-05-01', '2026-05-05', '劳动节'),
    ('2026-06-19', '2026-06-21', '端午节'), ('2026-09-25', '2026-09-27', '中秋节'),
    ('2026-10-01', '2026-10-07', '国庆节')
) as holidays (first, last, name),
lateral generate_series(first::date, last::date, interval '1 day') as d;

insert into calendar_days (day, working, name) values
    ('2025-01-26', true, '春节调休'), ('2025-02-08', true, '春节调休'),
    ('2025-04-27', true, '劳动节调休'), ('2025-09-28', true, '国庆节调休'),
    ('2025-10-11', true, '国庆节调休'),
    ('2026-01-04', true, '元旦调休'), ('2026-02-14', true, '春节调休'),
    ('2026-02-28', true, '春节调休'), ('2026-05-09', true, '劳动节调休'),
    ('2026-09-20', true, '国庆节调休'), ('2026-10-10', true, '国庆节调休');

-- Supervision letters (一函两书): a notice (提示函), an opinion (意见书) or a recommendation
-- (建议书) the union sends an employer about its workers' rights, on its own or from a dispute
-- case. Issued, delivered (the reply is due a number of working days later), replied (and
-- whether the matter was put right).
create table supervision_letters (
    id               bigint generated always as identity primary key,
    organisation_id  bigint not null references organisations (id),
    -- 甘工监函〔2026〕3号: the union's mark, the kind's, the year and its sequence in that year
    number           text not null,
    year             integer not null check (year between 2000 and 2100),
    sequence         integer not null check (sequence > 0),
    kind             text not null check (kind in ('notice', 'opinion', 'recommendation')),
    employer_id      bigint not null references employers (id),
    case_id          bigint references dispute_cases (id),
    subject          text not null check (length(btrim(subject)) between 1 and 100),
    body             text not null check (length(btrim(body)) between 1 and 5000),
    issued_on        date not null,
    reply_days       integer not null check (reply_days between 1 and 60),
    status           text not null default 'issued' check (status in ('issued', 'delivered', 'replied')),
    delivered_on     date,
    delivery         text not null default '' check (length(delivery) <= 200),
    reply_due_on     date,
    replied_on       date,
    reply            text not null default '' check (length(reply) <= 2000),
    rectified        boolean,
    issued_by        bigint references users (id),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    unique (organisation_id, year, sequence),
    unique (organisation_id, number),
    check (status = 'issued' or (delivered_on is not null and reply_due_on is not null)),
    check (status <> 'replied' or (replied_on is not null and rectified is not null)),
    check (delivered_on is null or delivered_on >= issued_on),
    check (replied_on is null or replied_on >= delivered_on)
);

create index supervision_letters_organisation on supervision_letters (organisation_id, issued_on desc);
create index supervision_letters_due on supervision_letters (reply_due_on) where status = 'delivered';
create index supervision_letters_case on supervision_letters (case_id) where case_id is not null;
create index supervision_letters_employer on supervision_letters (employer_id);
create trigger supervision_letters_updated_at before update on supervision_letters
    for each row execute function set_updated_at();
