-- Care campaigns (关爱行动): what a union gives workers (四季送, 八送, 送温暖, 暖"新"礼包, mobile
-- check-ups, training, counselling) and who was reached. A worker counts once per campaign, whether
-- a member or not: every recipient carries the blind index of their ID number (a member's own, or
-- the one sealed for someone who is not a member), and the pair is unique.

create table care_campaigns (
    id               bigint generated always as identity primary key,
    organisation_id  bigint not null references organisations (id),
    kind             text not null check (kind in (
                         'seasonal', 'standing', 'winter_relief', 'care_package', 'checkup',
                         'training', 'counselling', 'other')),
    title            text not null check (length(btrim(title)) between 1 and 100),
    starts_on        date not null,
    ends_on          date not null,
    -- what each worker is given (a package's contents, a service), the sign-off's default
    goods            text not null default '' check (length(goods) <= 500),
    -- the value given to one worker, fen; the sign-off's default
    unit_value       bigint not null default 0 check (unit_value >= 0),
    budget           bigint not null default 0 check (budget >= 0),
    -- the fund of the applications module the money comes from, when one is named
    fund_id          bigint references funds (id),
    -- kept by the recipients' trigger: how many workers were reached and what they were given
    reached          integer not null default 0 check (reached >= 0),
    spent            bigint not null default 0 check (spent >= 0),
    created_by       bigint references users (id),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    check (ends_on >= starts_on)
);
create index care_campaigns_organisation on care_campaigns (organisation_id, starts_on desc, id desc);
create index care_campaigns_newest on care_campaigns (starts_on desc, id desc);
create trigger care_campaigns_updated_at before update on care_campaigns
    for each row execute function set_updated_at();

create table care_recipients (
    id               bigint generated always as identity primary key,
    campaign_id      bigint not null references care_campaigns (id),
    member_id        bigint references members (id),
    -- the name at the time (a member's as on record)
    name             text not null check (length(btrim(name)) between 1 and 50),
    -- the blind index of the ID number: one worker, one entry per campaign
    person_index     bytea not null,
    id_masked        text not null,
    -- a worker who is not a member: their ID number and phone sealed by the app's key
    id_cipher        bytea,
    phone_cipher     bytea,
    phone_masked     text not null default '',
    -- the sign-off: when, what, its value, and who handed it over (recorded_by)
    given_on         date not null,
    given            text not null default '' check (length(given) <= 500),
    value            bigint not null default 0 check (value >= 0),
    -- how the worker was added: picked from the members, a scanned member number, a file, or
    -- typed as someone who is not a member
    added_by_way     text not null check (added_by_way in ('picked', 'scanned', 'file', 'outsider')),
    recorded_by      bigint references users (id),
    created_at       timestamptz not null default now(),
    check (member_id is not null or (id_cipher is not null and phone_cipher is not null)),
    constraint care_recipients_once unique (campaign_id, person_index)
);
create index care_recipients_campaign on care_recipients (campaign_id, id desc);
create index care_recipients_member on care_recipients (member_id) where member_id is not null;

-- The campaign's reach and spending, kept once per statement: a file of 100,000 recipients is one
-- statement and one update of its campaign.
create function care_recipients_count() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        update care_campaigns c set reached = c.reached + n.reached, spent = c.spent + n.spent
        from (select campaign_id, count(*)::integer as reached, sum(value)::bigint as spent
              from new_rows group by campaign_id) n
        where c.id = n.campaign_id;
    elsif tg_op = 'DELETE' then
        update care_campaigns c set reached = c.reached - o.reached, spent = c.spent - o.spent
        from (select campaign_id, count(*)::integer as reached, sum(value)::bigint as spent
              from old_rows group by campaign_id) o
        where c.id = o.campaign_id;
    end if;
    return null;
end;
$$;
create trigger care_recipients_counted_insert after insert on care_recipients
    referencing new table as new_rows for each statement execute function care_recipients_count();
create trigger care_recipients_counted_delete after delete on care_recipients
    referencing old table as old_rows for each statement execute function care_recipients_count();
