-- The audit trail: one row per change, written in the same transaction as the change.
-- Append-only: the database itself refuses UPDATE, DELETE and TRUNCATE.

create table audit_log (
    id               bigint generated always as identity primary key,
    occurred_at      timestamptz not null default now(),
    -- null for the system (seeding, the command line) or an anonymous worker joining online
    actor_id         bigint references users (id),
    actor_name       text not null,
    ip               inet,
    organisation_id  bigint references organisations (id),
    entity           text not null,
    entity_id        text not null,
    action           text not null,
    -- values before and after, sensitive fields already masked
    before           jsonb,
    after            jsonb,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

create index audit_log_occurred on audit_log (occurred_at desc);
create index audit_log_entity on audit_log (entity, entity_id);
create index audit_log_actor on audit_log (actor_id);
create index audit_log_organisation on audit_log (organisation_id);

create function audit_log_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_refuse_change();
