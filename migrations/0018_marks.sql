-- Marks (评分): what judges enter on a sub-item's mark sheet, and the sub-item's lock.
--
-- A measurement sub-item has one mark per contestant, entered once by any judge of the panel
-- (`judge_slot` 0). A judgement sub-item has one score per judge on the stated scale
-- (`judge_slot` the judge's account); its mark is derived by its rule when the chief judge locks
-- it. All values are hundredths (a mark of 9.5 is 950), never floats.

create table marks (
    id              bigint generated always as identity primary key,
    item_id         bigint not null references event_items (id) on delete cascade,
    contestant_id   bigint not null references contestants (id),
    -- 0 for a measurement; the judge's account for a judgement score
    judge_slot      bigint not null,
    value           integer not null check (value between 0 and 100000),
    -- who entered it last, and when
    entered_by      bigint not null references users (id),
    entered_at      timestamptz not null default now(),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (item_id, contestant_id, judge_slot)
);
create index marks_contestant on marks (contestant_id);
create trigger marks_updated_at before update on marks
    for each row execute function set_updated_at();

-- A locked sub-item: its marks may no longer change, and each contestant's mark is kept here as
-- derived at the lock (for a measurement, the mark entered). Unlocking clears them.
alter table event_items
    add column locked_at  timestamptz,
    add column locked_by  bigint references users (id);

create table item_marks (
    item_id         bigint not null references event_items (id) on delete cascade,
    contestant_id   bigint not null references contestants (id),
    mark            integer not null check (mark >= 0),
    created_at      timestamptz not null default now(),
    primary key (item_id, contestant_id)
);
create index item_marks_contestant on item_marks (contestant_id);
