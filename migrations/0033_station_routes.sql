-- Mobile stations (流动驿站): a vehicle's routes, each a run of stops at named places (transport
-- hubs, shopping and scenic areas, logistics hubs, building sites) on the weekdays it runs, and
-- the services of a day's visit recorded stop by stop.

create table station_routes (
    id          bigint generated always as identity primary key,
    station_id  bigint not null references stations (id),
    name        text not null check (length(btrim(name)) between 1 and 40),
    -- ISO weekdays it runs (1 Monday … 7 Sunday)
    weekdays    smallint[] not null check (
                    cardinality(weekdays) between 1 and 7
                    and weekdays <@ array[1, 2, 3, 4, 5, 6, 7]::smallint[]),
    created_at  timestamptz not null default now(),
    unique (station_id, name)
);

-- A stop: where, and from when to when the vehicle stands there (minutes after midnight).
create table station_route_stops (
    route_id   bigint not null references station_routes (id) on delete cascade,
    position   smallint not null check (position between 1 and 30),
    place_id   bigint not null references places (id),
    arrives    smallint not null check (arrives between 0 and 1439),
    leaves     smallint not null check (leaves between 1 and 1440),
    primary key (route_id, position),
    check (arrives < leaves)
);
create index station_route_stops_place on station_route_stops (place_id);

-- Where a mobile station gave a service: the route's run and the stop's place.
alter table station_services
    add column route_id bigint references station_routes (id),
    add column place_id bigint references places (id),
    add check ((route_id is null) = (place_id is null));
create index station_services_route on station_services (route_id, day) where route_id is not null;
create index station_services_place on station_services (place_id) where place_id is not null;
