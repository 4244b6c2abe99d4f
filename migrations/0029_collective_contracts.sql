-- Collective contracts (集体合同): what a union agrees with one employer, or with the employers of
-- an industry or an area (行业性、区域性), after collective bargaining. Signed, filed with the human
-- resources and social security bureau (报送审查), in force for its term (usually one to three
-- years), reminded of 90 and 30 days before it ends, and renewed by a new contract that names it.
create table collective_contracts (
    id               bigint generated always as identity primary key,
    -- the union that signed it (the worker side); its subtree reads the contract
    organisation_id  bigint not null references organisations (id),
    coverage         text not null check (coverage in ('enterprise', 'industry', 'area')),
    title            text not null check (length(btrim(title)) between 2 and 100),
    -- the parties as the contract names them: the union side and the employer side (one
    -- employer, or the association or representatives of an industry or area)
    union_party      text not null check (length(btrim(union_party)) between 2 and 100),
    employer_party   text not null check (length(btrim(employer_party)) between 2 and 100),
    -- the workers it covers, as the contract states them
    workers          integer not null check (workers between 1 and 10000000),
    -- pay, working hours, rest, safety, women workers' special protection …
    subjects         text[] not null check (cardinality(subjects) >= 1
                         and subjects <@ array['pay', 'hours', 'rest', 'safety', 'women',
                                               'insurance', 'training', 'other']),
    signed_on        date not null,
    starts_on        date not null,
    ends_on          date not null check (ends_on > starts_on and ends_on > signed_on),
    status           text not null default 'signed' check (status in ('signed', 'filed')),
    filed_on         date check (filed_on >= signed_on),
    -- the bureau's acknowledgement: its number or note
    filing_note      text not null default '' check (length(filing_note) <= 200),
    -- the contract this one renews; a contract is renewed once
    renews_id        bigint unique references collective_contracts (id),
    -- the expiry reminders already sent (90 and 30 days before the end)
    reminded_90_on   date,
    reminded_30_on   date,
    created_by       bigint references users (id),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    check ((status = 'filed') = (filed_on is not null))
);

create index collective_contracts_organisation on collective_contracts (organisation_id, ends_on);
-- the reminders' daily look: filed contracts by their last day
create index collective_contracts_ending on collective_contracts (ends_on) where status = 'filed';
create trigger collective_contracts_updated_at before update on collective_contracts
    for each row execute function set_updated_at();

-- The employers a contract covers, from the register: one for an enterprise's contract, several for
-- an industry's or an area's.
create table collective_contract_employers (
    contract_id  bigint not null references collective_contracts (id) on delete cascade,
    employer_id  bigint not null references employers (id),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    primary key (contract_id, employer_id)
);

create index collective_contract_employers_employer on collective_contract_employers (employer_id);

-- Where a contract stands on a day, in one place for every list, page and count: renewed (a later
-- contract names it), expired, awaiting filing, pending (filed, its term not begun), expiring (in
-- force, ending within 90 days) or in force.
create function collective_contract_standing(status text, starts_on date, ends_on date,
                                             renewed boolean, today date)
returns text language sql immutable as $$
    select case
        when renewed then 'renewed'
        when ends_on < today then 'expired'
        when status = 'signed' then 'awaiting_filing'
        when today < starts_on then 'pending'
        when ends_on - today <= 90 then 'expiring'
        else 'in_force'
    end
$$;
