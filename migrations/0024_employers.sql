-- The register of employers (用人单位): the enterprises, platform companies and other employers the
-- union's legal work names, shared by dispute cases, supervision letters and collective contracts.
-- An employer is kept by the organisation that registered it; its subtree keeps it up to date, and
-- every union below reads it (as funds are read).

create table employers (
    id               bigint generated always as identity primary key,
    organisation_id  bigint not null references organisations (id),
    name             text not null check (length(btrim(name)) between 2 and 100),
    -- 统一社会信用代码 (GB 32100-2015): 18 characters, its check digit verified by the app;
    -- an individual business or a branch may have none yet
    credit_code      text unique check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
    kind             text not null default 'enterprise' check (kind in (
                         'enterprise', 'platform', 'individual_business', 'public_institution',
                         'social_organisation', 'other')),
    industry         text not null default '' check (length(industry) <= 60),
    address          text not null default '' check (length(address) <= 200),
    contact_person   text not null default '' check (length(contact_person) <= 40),
    contact_phone    text not null default '' check (length(contact_phone) <= 40),
    -- about how many work there (for contracts' coverage); unknown when null
    workers          integer check (workers between 0 and 10000000),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

create index employers_organisation on employers (organisation_id);
create index employers_name on employers using gin (name gin_trgm_ops);
create trigger employers_updated_at before update on employers
    for each row execute function set_updated_at();
