-- Participation of a competition over all its rounds (preliminaries held by companies and
-- regions included), as its organiser declares it: the figures a recurring competition reports
-- year after year (the building-materials contest: 2022: 528 companies, 8,406 workers …), beyond
-- the contestants registered in this app.
create table competition_participation (
    competition_id  bigint primary key references competitions (id),
    -- none: not known (the 2025 edition reported only its workers)
    companies       integer check (companies between 0 and 1000000),
    workers         integer not null check (workers between 0 and 10000000),
    updated_at      timestamptz not null default now()
);
