-- The use of results (成果应用): staff recommend a competition's winners for honours (大连工匠,
-- 五一劳动奖章, 工匠培育计划) and for skill promotion (技能晋升直通车), and follow each one from
-- proposed to submitted to granted or declined. A granted honour stands on the member's record; a
-- granted promotion raises the member's skill level in the same transaction.

create table recommendations (
    id              bigint generated always as identity primary key,
    competition_id  bigint not null references competitions (id),
    contestant_id   bigint not null references contestants (id),
    member_id       bigint not null references members (id),
    kind            text not null check (kind in ('city_craftsman', 'may_day_medal',
                                                   'craftsman_cultivation', 'skill_promotion')),
    -- the level a skill promotion proposes
    skill_level     text check (skill_level in ('junior', 'intermediate', 'senior', 'technician',
                                                'senior_technician')),
    status          text not null default 'proposed'
                    check (status in ('proposed', 'submitted', 'granted', 'declined')),
    -- the body that grants it (市总工会, 市人力资源和社会保障局 …), named when submitted
    granting_body   text not null default '' check (length(granting_body) <= 100),
    submitted_at    timestamptz,
    decided_at      timestamptz,
    decline_reason  text check (length(decline_reason) <= 500),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (contestant_id, kind),
    check ((kind = 'skill_promotion') = (skill_level is not null)),
    check ((status = 'proposed') = (submitted_at is null)),
    check ((status in ('granted', 'declined')) = (decided_at is not null))
);
create index recommendations_competition on recommendations (competition_id, id);
create index recommendations_member on recommendations (member_id) where status = 'granted';
create trigger recommendations_updated_at before update on recommendations
    for each row execute function set_updated_at();
