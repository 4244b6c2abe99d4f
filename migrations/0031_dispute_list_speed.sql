-- The case list and the statistics at 100,000 cases (issue 13's targets: 50 ms and 100 ms p99).
--
-- 1. The list reads a page by an index in its order, newest first, instead of sorting every case.
create index dispute_cases_newest on dispute_cases (received_on desc, id desc);
drop index dispute_cases_received;
-- A mediator's list, and their overdue list in the order it is read (the most overdue first).
drop index dispute_cases_mediator;
create index dispute_cases_mediator on dispute_cases (mediator_id, status, due_on, id);
-- The overdue cases are counted from the index alone, per organisation or mediator.
drop index dispute_cases_open_due;
create index dispute_cases_open_due on dispute_cases (due_on) include (organisation_id, mediator_id)
    where status = 'mediating';

-- 2. A search for a worker's name finds any one or two characters of it through a GIN index on
--    its characters and their pairs (pg_trgm needs three, and Chinese names are two to four); a
--    case number through a trigram index.
create function name_grams(name text) returns text[]
language sql immutable parallel safe as $$
    select coalesce(array_agg(distinct piece), '{}')
    from (select substr(name, i, 1) as piece from generate_series(1, char_length(name)) as i
          union all
          select unnest(name_bigrams(name))) as pieces
$$;
alter table dispute_cases
    add column worker_grams text[] generated always as (name_grams(worker_name)) stored;
create index dispute_cases_worker_grams on dispute_cases using gin (worker_grams);
create index dispute_cases_number_trgm on dispute_cases using gin (number gin_trgm_ops);

-- 3. What the cases of one organisation, month of intake, kind and status add up to, kept by a
--    trigger as cases are taken in and move on. The statistics add up these few thousand rows
--    instead of 100,000 cases, and the list counts its cases from them. A change adds the case's
--    new figures and takes away its old ones in one statement, rows in key order, so two
--    transactions never wait on each other's rows crosswise.
create table dispute_case_tallies (
    organisation_id  bigint not null references organisations (id),
    month            date not null check (extract(day from month) = 1),
    kind             text not null,
    status           text not null,
    cases            bigint not null,
    closed           bigint not null,
    mediated         bigint not null,
    claimed          bigint not null,
    agreed           bigint not null,  -- in the mediated cases
    recovered        bigint not null,
    rounds_closed    bigint not null,  -- rounds held in the closed cases
    days_closed      bigint not null,  -- days from intake to closing, closed cases
    primary key (organisation_id, month, kind, status)
);

-- The list's count needs neither months nor amounts: cases per organisation, kind and status,
-- a few hundred rows for a city.
create table dispute_case_counts (
    organisation_id  bigint not null references organisations (id),
    kind             text not null,
    status           text not null,
    cases            bigint not null,
    primary key (organisation_id, kind, status)
);

create function dispute_cases_tally() returns trigger language plpgsql as $$
begin
    insert into dispute_case_counts as t
    select c.organisation_id, c.kind, c.status, sum(sign)
    from (select (old).organisation_id, (old).kind, (old).status, -1 as sign
          where tg_op in ('UPDATE', 'DELETE')
          union all
          select (new).organisation_id, (new).kind, (new).status, 1
          where tg_op in ('INSERT', 'UPDATE')) as c
    group by 1, 2, 3
    having sum(sign) <> 0
    order by 1, 2, 3
    on conflict (organisation_id, kind, status) do update set cases = t.cases + excluded.cases;
    insert into dispute_case_tallies as t
    select c.organisation_id, date_trunc('month', c.received_on)::date, c.kind, c.status,
           sum(sign), sum(sign * (c.closed_on is not null)::int),
           sum(sign * (c.status = 'mediated')::int), sum(sign * c.claimed),
           sum(sign * case when c.status = 'mediated' then coalesce(c.agreed, 0) else 0 end),
           sum(sign * c.recovered),
           sum(sign * case when c.closed_on is not null then c.rounds else 0 end),
           sum(sign * coalesce(c.closed_on - c.received_on, 0))
    from (select (old).*, -1 as sign where tg_op in ('UPDATE', 'DELETE')
          union all
          select (new).*, 1 where tg_op in ('INSERT', 'UPDATE')) as c
    group by 1, 2, 3, 4
    order by 1, 2, 3, 4
    on conflict (organisation_id, month, kind, status) do update set
        cases = t.cases + excluded.cases,
        closed = t.closed + excluded.closed,
        mediated = t.mediated + excluded.mediated,
        claimed = t.claimed + excluded.claimed,
        agreed = t.agreed + excluded.agreed,
        recovered = t.recovered + excluded.recovered,
        rounds_closed = t.rounds_closed + excluded.rounds_closed,
        days_closed = t.days_closed + excluded.days_closed;
    return null;
end
$$;

create trigger dispute_cases_tallied_insert after insert or delete on dispute_cases
    for each row execute function dispute_cases_tally();
create trigger dispute_cases_tallied_update after update on dispute_cases
    for each row
    when ((old.organisation_id, old.received_on, old.kind, old.status, old.closed_on, old.claimed,
           old.agreed, old.recovered, old.rounds)
          is distinct from
          (new.organisation_id, new.received_on, new.kind, new.status, new.closed_on, new.claimed,
           new.agreed, new.recovered, new.rounds))
    execute function dispute_cases_tally();

-- Fills the tallies and counts from the cases (here, and after a bulk load that set the trigger aside).
create function dispute_case_tallies_rebuild() returns void language sql as $$
    delete from dispute_case_counts;
    insert into dispute_case_counts
    select organisation_id, kind, status, count(*) from dispute_cases group by 1, 2, 3;
    delete from dispute_case_tallies;
    insert into dispute_case_tallies
    select organisation_id, date_trunc('month', received_on)::date, kind, status,
           count(*), count(closed_on), count(*) filter (where status = 'mediated'), sum(claimed),
           coalesce(sum(agreed) filter (where status = 'mediated'), 0), sum(recovered),
           coalesce(sum(rounds) filter (where closed_on is not null), 0),
           coalesce(sum(closed_on - received_on), 0)
    from dispute_cases
    group by 1, 2, 3, 4;
$$;
select dispute_case_tallies_rebuild();
