-- Running totals of applications, so the budget dashboard and the queue's counts read a few
-- thousand rows instead of every application (a city files about 270 a year; the benchmark holds
-- 200,000). One row per fund, organisation, tier, track, status and month of first submission,
-- kept by a trigger in the same transaction as the change, like the member counts.

create table application_totals (
    fund_id               bigint not null references funds (id),
    organisation_id       bigint not null references organisations (id),
    tier                  smallint not null,
    track_id              bigint not null references tracks (id),
    status                text not null,
    -- the month of first submission (the first day), or 0001-01-01 for drafts
    month                 date not null,
    applications          bigint not null default 0,
    requested             bigint not null default 0,
    -- money the fund holds for them (granted, not yet settled) and has paid
    committed             bigint not null default 0,
    disbursed             bigint not null default 0,
    -- of contests that filed their final report
    expected_contestants  bigint not null default 0,
    actual_contestants    bigint not null default 0,
    reported_granted      bigint not null default 0,
    reported_spent        bigint not null default 0,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    primary key (fund_id, organisation_id, tier, track_id, status, month)
);

-- One application's contribution to its totals row (`sign` 1 to add it, -1 to take it away).
create function application_totals_row(a applications, sign integer)
returns application_totals
language sql stable as $$
    select a.fund_id, a.organisation_id, a.tier, a.track_id, a.status,
           coalesce(date_trunc('month', a.first_submitted_at at time zone 'Asia/Shanghai')::date,
                    date '0001-01-01'),
           sign::bigint,
           sign * a.requested,
           sign * (case when a.status in ('approved', 'reported') then coalesce(a.granted, 0) else 0 end),
           sign * (case when a.status = 'settled' then coalesce(a.disbursed, 0) else 0 end),
           sign * (case when a.status in ('reported', 'settled') then a.expected_contestants else 0 end),
           sign * (case when a.status in ('reported', 'settled') then coalesce(a.actual_contestants, 0) else 0 end),
           sign * (case when a.status in ('reported', 'settled') then coalesce(a.granted, 0) else 0 end),
           sign * (case when a.status in ('reported', 'settled') then coalesce(a.spent_total, 0) else 0 end),
           now(), now()
$$;

-- Adds the summed moves to their totals rows, in the order of the key, so two steps moving
-- between the same two rows in opposite directions cannot deadlock.
create function application_totals_add(moves application_totals[]) returns void
language sql as $$
    insert into application_totals as t
    select fund_id, organisation_id, tier, track_id, status, month, sum(applications),
           sum(requested), sum(committed), sum(disbursed), sum(expected_contestants),
           sum(actual_contestants), sum(reported_granted), sum(reported_spent), now(), now()
    from unnest(moves)
    group by fund_id, organisation_id, tier, track_id, status, month
    having sum(applications) <> 0 or sum(requested) <> 0 or sum(committed) <> 0
        or sum(disbursed) <> 0 or sum(expected_contestants) <> 0 or sum(actual_contestants) <> 0
        or sum(reported_granted) <> 0 or sum(reported_spent) <> 0
    order by fund_id, organisation_id, tier, track_id, status, month
    on conflict (fund_id, organisation_id, tier, track_id, status, month) do update
       set applications = t.applications + excluded.applications,
           requested = t.requested + excluded.requested,
           committed = t.committed + excluded.committed,
           disbursed = t.disbursed + excluded.disbursed,
           expected_contestants = t.expected_contestants + excluded.expected_contestants,
           actual_contestants = t.actual_contestants + excluded.actual_contestants,
           reported_granted = t.reported_granted + excluded.reported_granted,
           reported_spent = t.reported_spent + excluded.reported_spent,
           updated_at = now()
$$;

create function application_totals_apply() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform application_totals_add(array[application_totals_row(new, 1)]);
    elsif tg_op = 'DELETE' then
        perform application_totals_add(array[application_totals_row(old, -1)]);
    else
        perform application_totals_add(array[application_totals_row(old, -1), application_totals_row(new, 1)]);
    end if;
    return null;
end
$$;

create trigger application_totals_apply after insert or update or delete on applications
    for each row execute function application_totals_apply();

select application_totals_add(array(select application_totals_row(a, 1) from applications a));
