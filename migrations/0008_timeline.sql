-- The timeline of every record that moves through steps (members, joining requests, organisations,
-- and the applications, contests and cases to come): one line per step, written in the step's own
-- transaction beside its audit record (src/workflow.rs). The audit trail is for auditors; this is
-- the record's own history, shown on its page.
create table timeline (
    id                    bigint generated always as identity primary key,
    -- What the line is about: an entity name of the audit trail and the record's id.
    entity                text not null,
    entity_id             bigint not null,
    -- The step taken (`lapsed`, `approved` …) and, for a change of state, the states before and after.
    step                  text not null,
    from_state            text,
    to_state              text,
    -- Steps that move a record between organisations keep both.
    from_organisation_id  bigint references organisations (id),
    to_organisation_id    bigint references organisations (id),
    comment               text not null default '',
    actor_id              bigint references users (id),
    actor_name            text not null,
    occurred_at           timestamptz not null default now(),
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now()
);

create index timeline_record on timeline (entity, entity_id, id);

-- Members' events were the first timeline; they move here unchanged.
insert into timeline (entity, entity_id, step, from_organisation_id, to_organisation_id, comment,
                      actor_name, occurred_at, created_at, updated_at)
select 'member', member_id, kind, from_organisation_id, to_organisation_id, note,
       actor_name, occurred_at, created_at, updated_at
from member_events order by id;

drop table member_events;
