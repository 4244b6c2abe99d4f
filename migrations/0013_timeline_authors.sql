-- A timeline names who took each step as people know them (their display name, 王芳), not by
-- their username.
create or replace view timeline_lines as
select l.id, l.entity, l.entity_id,
       json_build_object(
           'step', l.step,
           'from_name', f.name,
           'to_name', t.name,
           'comment', l.comment,
           'actor_name', coalesce(u.display_name, l.actor_name),
           'occurred_at', extract(epoch from l.occurred_at)::bigint
       ) as line
from timeline l
left join organisations f on f.id = l.from_organisation_id
left join organisations t on t.id = l.to_organisation_id
left join users u on u.id = l.actor_id;
