-- E-certificates (电子证书): one for each award and one for each pass, issued to every member of a
-- winning team, when the competition publishes its results. What a certificate says is written
-- down as it was printed; only its revocation changes it.

create table certificates (
    id              bigint generated always as identity primary key,
    -- 16 characters from 32 without look-alikes (80 random bits): cannot be guessed
    serial          text not null unique check (serial ~ '^[A-HJ-NP-Z2-9]{16}$'),
    competition_id  bigint not null references competitions (id),
    event_id        bigint not null references competition_events (id),
    contestant_id   bigint not null references contestants (id),
    member_id       bigint not null references members (id),
    kind            text not null check (kind in ('award', 'pass')),
    award           text check (award in ('first', 'second', 'third', 'excellence')),
    holder_name     text not null,
    competition_title text not null,
    event_name      text not null,
    issuer_name     text not null,
    issued_on       date not null,
    revoked_at      timestamptz,
    revoked_by      bigint references users (id),
    revoke_reason   text check (length(revoke_reason) <= 500),
    created_at      timestamptz not null default now(),
    unique (contestant_id, kind),
    check ((kind = 'award') = (award is not null)),
    check ((revoked_at is null) = (revoke_reason is null))
);
create index certificates_event on certificates (event_id);
create index certificates_member on certificates (member_id);
