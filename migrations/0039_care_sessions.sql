-- Training sessions and counselling sessions: events of a care campaign with their attendance.
-- Whoever attends is one of the campaign's workers reached (counted once, however many sessions
-- they attend). A counselling session keeps, for anyone but its counsellor, only that it happened
-- and how long it took: who came and the notes are the counsellor's alone, the notes sealed with
-- the app's key.

create table care_sessions (
    id               bigint generated always as identity primary key,
    campaign_id      bigint not null references care_campaigns (id),
    kind             text not null check (kind in ('training', 'counselling')),
    held_on          date not null,
    -- a training's subject; a counselling session's is not recorded
    topic            text not null default '' check (length(topic) <= 100),
    place            text not null default '' check (length(place) <= 100),
    minutes          integer not null check (minutes between 1 and 1440),
    -- who gave the training (a name as announced)
    trainer          text not null default '' check (length(trainer) <= 50),
    -- the counsellor: an account holding the `health` role
    counsellor_id    bigint references users (id),
    notes_cipher     bytea,
    attendance       integer not null default 0 check (attendance >= 0),
    created_by       bigint references users (id),
    created_at       timestamptz not null default now(),
    check ((kind = 'training' and counsellor_id is null and notes_cipher is null)
           or (kind = 'counselling' and counsellor_id is not null and topic = ''))
);
create index care_sessions_campaign on care_sessions (campaign_id, held_on desc, id desc);
create index care_sessions_counsellor on care_sessions (counsellor_id, held_on desc)
    where counsellor_id is not null;

create table care_attendance (
    session_id    bigint not null references care_sessions (id),
    recipient_id  bigint not null references care_recipients (id),
    recorded_by   bigint references users (id),
    created_at    timestamptz not null default now(),
    primary key (session_id, recipient_id)
);
create index care_attendance_recipient on care_attendance (recipient_id);

-- A worker who attended a session stays on the campaign: taking them off would lose the record.
create function care_sessions_count() returns trigger language plpgsql as $$
begin
    update care_sessions s set attendance = s.attendance + n.attended
    from (select session_id, count(*)::integer as attended from new_rows group by session_id) n
    where s.id = n.session_id;
    return null;
end;
$$;
create trigger care_attendance_counted after insert on care_attendance
    referencing new table as new_rows for each statement execute function care_sessions_count();
