-- A timeline line as a record's page shows it, one JSON object per line, so that a page can read
-- its record and the record's whole timeline in one query (`json_agg(line order by id)`), instead
-- of a second round trip for what is, for most records, an empty list.
create view timeline_lines as
select l.id, l.entity, l.entity_id,
       json_build_object(
           'step', l.step,
           'from_name', f.name,
           'to_name', t.name,
           'comment', l.comment,
           'actor_name', l.actor_name,
           'occurred_at', extract(epoch from l.occurred_at)::bigint
       ) as line
from timeline l
left join organisations f on f.id = l.from_organisation_id
left join organisations t on t.id = l.to_organisation_id;
