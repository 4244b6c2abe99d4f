-- Results (成绩): how each event gives its awards, and the results frozen when the competition
-- publishes them. Totals are hundredths of a point out of 100, computed in the database from the
-- marks kept at each sub-item's lock, by the weights.

create table event_awards (
    event_id    bigint primary key references competition_events (id) on delete cascade,
    -- count: how many take each prize; share: what share of the entrants (hundredths of a
    -- percent); threshold: the lowest total for each (hundredths of a point)
    mode        text not null check (mode in ('count', 'share', 'threshold')),
    first       integer not null default 0 check (first >= 0),
    second      integer not null default 0 check (second >= 0),
    third       integer not null default 0 check (third >= 0),
    excellence  integer not null default 0 check (excellence >= 0),
    -- the "passed" line (hundredths of a point); none: no pass certificates
    pass_mark   integer check (pass_mark between 0 and 10000),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create trigger event_awards_updated_at before update on event_awards
    for each row execute function set_updated_at();

-- One line per contestant (per team, by its leader, in a team event) as published; never changed.
create table results (
    event_id        bigint not null references competition_events (id),
    contestant_id   bigint not null references contestants (id),
    rank            integer not null check (rank > 0),
    total           integer not null,
    practical       integer not null,
    theory          integer not null,
    award           text check (award in ('first', 'second', 'third', 'excellence')),
    passed          boolean not null,
    published_at    timestamptz not null default now(),
    primary key (event_id, contestant_id)
);
create index results_contestant on results (contestant_id);
