-- The union tree: a city federation at the root, industry unions and district federations under it,
-- township/park/community unions, grassroots (enterprise) unions, industry and new-employment-form
-- federations.
--
-- The tree is stored twice on purpose: parent_id for integrity, and `path` (ltree of ids from the
-- root, e.g. 1.4.17) so that "this organisation and everything below it" is one indexed test
-- (`path <@ $1`) at any depth. A closure table would need O(depth) rows per organisation and a
-- join per query; ltree gives the same answer from one GiST index. Moves rewrite the paths of the
-- moved subtree in one statement (see orgs::queries::move_subtree).

create table organisations (
    id              bigint generated always as identity primary key,
    parent_id       bigint references organisations (id),
    path            ltree not null,
    kind            text not null check (kind in (
                        'city_federation', 'industry_union', 'district_federation',
                        'township_union', 'park_union', 'community_union', 'grassroots_union',
                        'industry_federation', 'new_employment_federation')),
    name            text not null check (length(btrim(name)) between 1 and 100),
    code            text not null unique check (code ~ '^[A-Za-z0-9_-]{2,32}$'),
    region          text not null default '',
    contact_person  text not null default '',
    contact_phone   text not null default '',
    address         text not null default '',
    status          text not null default 'active' check (status in ('active', 'closed')),
    closed_at       timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    -- only the root has no parent
    check ((parent_id is null) = (nlevel(path) = 1))
);

create index organisations_path on organisations using gist (path);
create index organisations_parent on organisations (parent_id);
-- "contains" search on names: trigram index (used from three characters on; the cluster is UTF-8).
create index organisations_name_trgm on organisations using gin (name gin_trgm_ops);

-- The path of a new organisation is its parent's path plus its own id.
create function organisations_set_path() returns trigger
language plpgsql as $$
begin
    if new.parent_id is null then
        new.path = new.id::text::ltree;
    else
        select path || new.id::text into new.path from organisations where id = new.parent_id;
        if new.path is null then
            raise exception 'parent organisation % does not exist', new.parent_id;
        end if;
    end if;
    return new;
end
$$;

create trigger organisations_set_path before insert on organisations
    for each row execute function organisations_set_path();
create trigger organisations_updated_at before update on organisations
    for each row execute function set_updated_at();
