-- Mutual-aid insurance (互助保障): a union's plan for a period, the members enrolled in it (the
-- union pays the premium), and the claims of enrolled members with their documents, review and
-- payment. Small claims with complete documents take the fast channel (快速理赔绿色通道) and its
-- short deadline in working days; the others the normal channel's (30 days, as the insurance law
-- gives an insurer to decide a claim).

create table aid_plans (
    id                       bigint generated always as identity primary key,
    organisation_id          bigint not null references organisations (id),
    title                    text not null check (length(btrim(title)) between 1 and 100),
    starts_on                date not null,
    ends_on                  date not null,
    cover                    text not null default '' check (length(cover) <= 1000),
    -- what the union pays for each member enrolled, fen
    premium                  bigint not null check (premium >= 0),
    -- the most a claim of each kind of event is paid, fen
    benefit_accident_medical bigint not null check (benefit_accident_medical >= 0),
    benefit_hospital_stay    bigint not null check (benefit_hospital_stay >= 0),
    benefit_disability       bigint not null check (benefit_disability >= 0),
    benefit_death            bigint not null check (benefit_death >= 0),
    -- claims up to this amount with complete documents take the fast channel
    fast_limit               bigint not null check (fast_limit >= 0),
    fast_working_days        integer not null default 3 check (fast_working_days between 1 and 30),
    normal_days              integer not null default 30 check (normal_days between 1 and 180),
    enrolled                 integer not null default 0 check (enrolled >= 0),
    created_by               bigint references users (id),
    created_at               timestamptz not null default now(),
    check (ends_on >= starts_on)
);
create index aid_plans_organisation on aid_plans (organisation_id, starts_on desc);

create table aid_enrolments (
    id           bigint generated always as identity primary key,
    plan_id      bigint not null references aid_plans (id),
    member_id    bigint not null references members (id),
    enrolled_on  date not null,
    enrolled_by  bigint references users (id),
    created_at   timestamptz not null default now(),
    -- a member is enrolled once in a plan (a plan is one period)
    constraint aid_enrolments_once unique (plan_id, member_id)
);
create index aid_enrolments_member on aid_enrolments (member_id);

create function aid_enrolments_count() returns trigger language plpgsql as $$
begin
    update aid_plans p set enrolled = p.enrolled + n.enrolled
    from (select plan_id, count(*)::integer as enrolled from new_rows group by plan_id) n
    where p.id = n.plan_id;
    return null;
end;
$$;
create trigger aid_enrolments_counted after insert on aid_enrolments
    referencing new table as new_rows for each statement execute function aid_enrolments_count();

create sequence aid_claim_number_seq;

create table aid_claims (
    id                  bigint generated always as identity primary key,
    -- 互助理赔〔2026〕0001号
    number              text not null unique,
    enrolment_id        bigint not null references aid_enrolments (id),
    organisation_id     bigint not null references organisations (id),
    event_kind          text not null check (event_kind in (
                            'accident_medical', 'hospital_stay', 'disability', 'death')),
    event_on            date not null,
    facts               text not null default '' check (length(facts) <= 2000),
    claimed             bigint not null check (claimed > 0),
    documents_complete  boolean not null,
    channel             text not null check (channel in ('fast', 'normal')),
    status              text not null default 'filed' check (status in (
                            'filed', 'documents_requested', 'approved', 'declined', 'paid')),
    filed_on            date not null,
    -- the day the claim must be decided and paid by
    due_on              date not null,
    requested           text not null default '' check (length(requested) <= 500),
    approved            bigint check (approved > 0),
    decline_reason      text not null default '' check (length(decline_reason) <= 500),
    decided_on          date,
    paid_on             date,
    paid                bigint check (paid > 0),
    created_by          bigint references users (id),
    created_at          timestamptz not null default now(),
    check (status <> 'approved' or approved is not null),
    check (status <> 'declined' or decline_reason <> ''),
    check (status <> 'paid' or (paid is not null and paid_on is not null and approved is not null))
);
create index aid_claims_open on aid_claims (due_on) where status in ('filed', 'documents_requested', 'approved');
create index aid_claims_organisation on aid_claims (organisation_id, filed_on desc, id desc);
create index aid_claims_enrolment on aid_claims (enrolment_id);
