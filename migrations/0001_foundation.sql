-- Foundation: the extensions every module relies on, and the updated_at convention.

-- ltree: the organisation tree as materialised paths (subtree = `path <@ ancestor`).
create extension if not exists ltree;
-- pg_trgm: tolerant search of Chinese names (needs a UTF-8 cluster locale).
create extension if not exists pg_trgm;

-- Every table has created_at and updated_at; this keeps updated_at honest.
create or replace function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at = now();
    return new;
end
$$;
