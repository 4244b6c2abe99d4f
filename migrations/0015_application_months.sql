-- The running totals lose their month: keyed by month as well they held one row for nearly every
-- fourteen applications at the benchmark's size (13,804 rows for 200,000), and the dashboard and
-- the queue's count read them all on every request. The month of first submission gets its own,
-- much smaller totals (fund, organisation, month), which is all the dashboard's month chart asks.

drop trigger application_totals_apply on applications;
drop function application_totals_apply();
drop function application_totals_add(application_totals[]);
drop function application_totals_row(applications, integer);
drop table application_totals;

create table application_totals (
    fund_id               bigint not null references funds (id),
    organisation_id       bigint not null references organisations (id),
    tier                  smallint not null,
    track_id              bigint not null references tracks (id),
    status                text not null,
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
    updated_at            timestamptz not null default now(),
    primary key (fund_id, organisation_id, tier, track_id, status)
);

create index application_totals_track on application_totals (track_id);

create table application_months (
    fund_id               bigint not null references funds (id),
    organisation_id       bigint not null references organisations (id),
    -- the month of first submission (its first day), or 0001-01-01 for drafts
    month                 date not null,
    applications          bigint not null default 0,
    requested             bigint not null default 0,
    committed             bigint not null default 0,
    disbursed             bigint not null default 0,
    expected_contestants  bigint not null default 0,
    actual_contestants    bigint not null default 0,
    reported_granted      bigint not null default 0,
    reported_spent        bigint not null default 0,
    updated_at            timestamptz not null default now(),
    primary key (fund_id, organisation_id, month)
);

-- One application's contribution to its totals row (`sign` 1 to add it, -1 to take it away).
create function application_totals_row(a applications, sign integer)
returns application_totals
language sql stable as $$
    select a.fund_id, a.organisation_id, a.tier, a.track_id, a.status,
           sign::bigint,
           sign * a.requested,
           sign * (case when a.status in ('approved', 'reported') then coalesce(a.granted, 0) else 0 end),
           sign * (case when a.status = 'settled' then coalesce(a.disbursed, 0) else 0 end),
           sign * (case when a.status in ('reported', 'settled') then a.expected_contestants else 0 end),
           sign * (case when a.status in ('reported', 'settled') then coalesce(a.actual_contestants, 0) else 0 end),
           sign * (case when a.status in ('reported', 'settled') then coalesce(a.granted, 0) else 0 end),
           sign * (case when a.status in ('reported', 'settled') then coalesce(a.spent_total, 0) else 0 end),
           now()
$$;

-- The same contribution to its month's row.
create function application_months_row(a applications, sign integer)
returns application_months
language sql stable as $$
    select r.fund_id, r.organisation_id,
           coalesce(date_trunc('month', a.first_submitted_at at time zone 'Asia/Shanghai')::date,
                    date '0001-01-01'),
           r.applications, r.requested, r.committed, r.disbursed, r.expected_contestants,
           r.actual_contestants, r.reported_granted, r.reported_spent, now()
    from application_totals_row(a, sign) r
$$;

-- Adds the summed moves to their rows, in the order of the key, so two steps moving between the
-- same two rows in opposite directions cannot deadlock.
create function application_totals_add(moves application_totals[]) returns void
language sql as $$
    insert into application_totals as t
    select fund_id, organisation_id, tier, track_id, status, sum(applications), sum(requested),
           sum(committed), sum(disbursed), sum(expected_contestants), sum(actual_contestants),
           sum(reported_granted), sum(reported_spent), now()
    from unnest(moves)
    group by fund_id, organisation_id, tier, track_id, status
    having sum(applications) <> 0 or sum(requested) <> 0 or sum(committed) <> 0
        or sum(disbursed) <> 0 or sum(expected_contestants) <> 0 or sum(actual_contestants) <> 0
        or sum(reported_granted) <> 0 or sum(reported_spent) <> 0
    order by fund_id, organisation_id, tier, track_id, status
    on conflict (fund_id, organisation_id, tier, track_id, status) do update
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

create function application_months_add(moves application_months[]) returns void
language sql as $$
    insert into application_months as t
    select fund_id, organisation_id, month, sum(applications), sum(requested), sum(committed),
           sum(disbursed), sum(expected_contestants), sum(actual_contestants),
           sum(reported_granted), sum(reported_spent), now()
    from unnest(moves)
    group by fund_id, organisation_id, month
    having sum(applications) <> 0 or sum(requested) <> 0 or sum(committed) <> 0
        or sum(disbursed) <> 0 or sum(expected_contestants) <> 0 or sum(actual_contestants) <> 0
        or sum(reported_granted) <> 0 or sum(reported_spent) <> 0
    order by fund_id, organisation_id, month
    on conflict (fund_id, organisation_id, month) do update
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

-- Both tables are always moved in the same order (totals, then months).
create function application_totals_apply() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform application_totals_add(array[application_totals_row(new, 1)]);
        perform application_months_add(array[application_months_row(new, 1)]);
    elsif tg_op = 'DELETE' then
        perform application_totals_add(array[application_totals_row(old, -1)]);
        perform application_months_add(array[application_months_row(old, -1)]);
    else
        perform application_totals_add(array[application_totals_row(old, -1), application_totals_row(new, 1)]);
        perform application_months_add(array[application_months_row(old, -1), application_months_row(new, 1)]);
    end if;
    return null;
end
$$;

create trigger application_totals_apply after insert or update or delete on applications
    for each row execute function application_totals_apply();

-- Recounts both from the applications (after a bulk load with the trigger disabled).
create function application_totals_rebuild() returns void
language sql as $$
    delete from application_totals;
    delete from application_months;
    select application_totals_add(array(select application_totals_row(a, 1) from applications a));
    select application_months_add(array(select application_months_row(a, 1) from applications a));
$$;

select application_totals_rebuild();

-- The queue reads what waits oldest first, ties by id: the index holds both, so a page is read
-- straight from it, however many applications share a moment of submission.
drop index applications_queue;
create index applications_queue on applications (submitted_at, id)
    where status in ('submitted', 'resubmitted', 'under_review', 'recommended');
