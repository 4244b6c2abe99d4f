-- A judge may be assigned to some sub-items of their event only (as WorldSkills assigns experts
-- to marking aspects); none listed: every sub-item. The chief judge marks, and locks, every one.
alter table event_judges add column items bigint[] not null default '{}';
