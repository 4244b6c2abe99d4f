-- Skill competitions (技能竞赛) in three tiers: city (1), industry or district (2), grassroots
-- (3). A competition holds events (赛项), an event parts (a theory exam, practical projects, a team
-- quiz, a presentation …), a part sub-items (小项), each with a maximum mark and a weight. Marks and
-- weights are fixed-point integers: marks in hundredths of a point, weights in hundredths of a
-- percent (10000 = 100%).

alter table users drop constraint users_roles_check;
alter table users add constraint users_roles_check
    check (roles <@ array['admin', 'staff', 'reviewer', 'manager', 'auditor', 'judge']);

create table competitions (
    id                      bigint generated always as identity primary key,
    year                    integer not null check (year between 2000 and 2100),
    tier                    smallint not null check (tier in (1, 2, 3)),
    organisation_id         bigint not null references organisations (id),
    -- free text: the HR bureau, an enterprise …
    co_organisers           text not null default '' check (length(co_organisers) <= 300),
    track_id                bigint not null references tracks (id),
    title                   text not null check (length(btrim(title)) between 1 and 100),
    has_preliminary         boolean not null default false,
    has_final               boolean not null default true,
    starts_on               date not null,
    ends_on                 date not null,
    registration_opens_on   date,
    registration_closes_on  date,
    venue                   text not null default '' check (length(venue) <= 200),
    -- judges enter marks by contestant number only
    anonymous_marking       boolean not null default false,
    status                  text not null default 'planned' check (status in (
                                'planned', 'registration_open', 'registration_closed',
                                'in_progress', 'marking_finished', 'results_published',
                                'cancelled')),
    -- a tier-2 or tier-3 competition held on an approved contest application
    application_id          bigint unique references applications (id),
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    check (ends_on >= starts_on),
    check (has_preliminary or has_final),
    check (registration_closes_on is null or registration_opens_on is null
           or registration_closes_on >= registration_opens_on)
);

create index competitions_organisation on competitions (organisation_id);
create index competitions_year on competitions (year, tier);
create index competitions_track on competitions (track_id, year);
create trigger competitions_updated_at before update on competitions
    for each row execute function set_updated_at();

create table competition_events (
    id              bigint generated always as identity primary key,
    competition_id  bigint not null references competitions (id),
    name            text not null check (length(btrim(name)) between 1 and 60),
    -- 1 for an individual event, else the size of a team
    team_size       smallint not null default 1 check (team_size between 1 and 20),
    position        integer not null default 0,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (competition_id, name)
);
create trigger competition_events_updated_at before update on competition_events
    for each row execute function set_updated_at();

create table event_parts (
    id          bigint generated always as identity primary key,
    event_id    bigint not null references competition_events (id) on delete cascade,
    name        text not null check (length(btrim(name)) between 1 and 60),
    kind        text not null check (kind in ('theory', 'practical', 'team_quiz', 'presentation', 'other')),
    -- hundredths of a point
    max_mark    integer not null check (max_mark between 1 and 100000),
    -- its share of the event's total, in hundredths of a percent
    weight      integer not null check (weight between 1 and 10000),
    position    integer not null default 0,
    created_at  timestamptz not null default now(),
    unique (event_id, name)
);

create table event_items (
    id          bigint generated always as identity primary key,
    part_id     bigint not null references event_parts (id) on delete cascade,
    name        text not null check (length(btrim(name)) between 1 and 60),
    max_mark    integer not null check (max_mark between 1 and 100000),
    -- its share of the part, in hundredths of a percent
    weight      integer not null check (weight between 1 and 10000),
    -- measurement: one number entered once; judgement: three or more judges score on a scale
    marking     text not null default 'measurement' check (marking in ('measurement', 'judgement')),
    -- for judgement: the top of the scale (e.g. 3.00), how the mark is derived, and the widest
    -- gap between judges' scores before they must discuss and re-score
    scale_max   integer check (scale_max between 1 and 10000),
    rule        text check (rule in ('mean', 'trimmed_mean')),
    max_gap     integer check (max_gap between 0 and 10000),
    position    integer not null default 0,
    created_at  timestamptz not null default now(),
    unique (part_id, name),
    check (marking = 'measurement' or (scale_max is not null and rule is not null and max_gap is not null))
);

-- Judges of an event (accounts holding the `judge` role); one of them is its chief judge.
create table event_judges (
    event_id    bigint not null references competition_events (id),
    user_id     bigint not null references users (id),
    chief       boolean not null default false,
    created_at  timestamptz not null default now(),
    primary key (event_id, user_id)
);
create unique index event_judges_one_chief on event_judges (event_id) where chief;
create index event_judges_user on event_judges (user_id);
