-- Registration (报名) for competition events: who may enter an event, the judges' declared
-- employer, teams, and contestants with their numbers and exam seats.

-- Eligibility rules of an event; an empty list or a null bound admits anyone.
alter table competition_events
    -- the subtree contestants must belong to; null: the organiser's
    add column eligible_organisation_id bigint references organisations (id),
    add column occupations      text[] not null default '{}',
    add column skill_levels     text[] not null default '{}',
    -- age on the competition's first day
    add column min_age          smallint check (min_age between 14 and 100),
    add column max_age          smallint check (max_age between 14 and 100),
    -- a contestant enters no other event of the same competition
    add column one_event_only   boolean not null default true,
    add check (min_age is null or max_age is null or max_age >= min_age);

-- A judge may not mark a contestant of their own employer (conflict of interest); the judge
-- declares it when assigned. An event's judges go with it.
alter table event_judges add column employer text not null default '' check (length(employer) <= 100);
alter table event_judges drop constraint event_judges_event_id_fkey;
alter table event_judges add constraint event_judges_event_id_fkey
    foreign key (event_id) references competition_events (id) on delete cascade;

create table event_teams (
    id          bigint generated always as identity primary key,
    event_id    bigint not null references competition_events (id),
    name        text not null check (length(btrim(name)) between 1 and 60),
    status      text not null default 'registered' check (status in ('registered', 'withdrawn')),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create unique index event_teams_name on event_teams (event_id, name) where status = 'registered';
create trigger event_teams_updated_at before update on event_teams
    for each row execute function set_updated_at();

create table contestants (
    id                  bigint generated always as identity primary key,
    competition_id      bigint not null references competitions (id),
    event_id            bigint not null references competition_events (id),
    member_id           bigint not null references members (id),
    team_id             bigint references event_teams (id),
    leader              boolean not null default false,
    -- the event's letter and a running number, e.g. A007: what anonymous marking shows
    seq                 integer not null check (seq > 0),
    number              text not null,
    -- the exam seat, drawn at random once registration closes
    seat                integer check (seat > 0),
    -- where the contestant stood when registered: results keep it if the member moves
    organisation_id     bigint not null references organisations (id),
    employer            text not null default '',
    status              text not null default 'registered' check (status in ('registered', 'withdrawn')),
    withdrawal_reason   text not null default '' check (length(withdrawal_reason) <= 500),
    withdrawn_at        timestamptz,
    registered_by       text not null,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (event_id, number),
    unique (event_id, seq),
    check (status = 'registered' or (btrim(withdrawal_reason) <> '' and withdrawn_at is not null)),
    check (leader = false or team_id is not null)
);
create unique index contestants_once on contestants (event_id, member_id) where status = 'registered';
create unique index contestants_seat on contestants (event_id, seat) where status = 'registered' and seat is not null;
create unique index contestants_team_leader on contestants (team_id) where leader and status = 'registered';
create index contestants_competition_member on contestants (competition_id, member_id) where status = 'registered';
create index contestants_member on contestants (member_id);
create index contestants_team on contestants (team_id) where team_id is not null;
create trigger contestants_updated_at before update on contestants
    for each row execute function set_updated_at();
