-- Service stations (工会驿站) and the 15-minute service circle (15分钟服务圈): the union's places
-- where outdoor workers rest, drink, charge and warm a meal, each with its hours, facilities and
-- honours, the services given there day by day, and the named places of a district (transport
-- hubs, logistics parks, building sites, workers' gathering places) from which a worker looks for
-- the nearest open station.
--
-- Coordinates are fixed-point: millionths of a degree (about 0.1 m), as integers. Distances come
-- from the earthdistance extension (a sphere is exact enough inside 1 km); a GiST index on each
-- station's point answers "within r metres of here" without reading every station.

create extension if not exists cube;
create extension if not exists earthdistance;

-- The districts of the city (区县): stations, places and the coverage report are told apart by
-- them; the label of each is drawn at its centre.
create table districts (
    id           bigint generated always as identity primary key,
    name         text not null unique check (length(btrim(name)) between 1 and 30),
    lat_e6       integer not null check (lat_e6 between -90000000 and 90000000),
    lon_e6       integer not null check (lon_e6 between -180000000 and 180000000)
);

create table stations (
    id               bigint generated always as identity primary key,
    organisation_id  bigint not null references organisations (id),
    code             text not null unique check (code ~ '^[A-Z0-9][A-Z0-9-]{1,29}$'),
    name             text not null check (length(btrim(name)) between 1 and 60),
    kind             text not null check (kind in (
                         'station', 'smart_station', 'health_hut', 'health_corner', 'warm_home',
                         'mobile')),
    district_id      bigint not null references districts (id),
    address          text not null default '' check (length(address) <= 120),
    lat_e6           integer not null check (lat_e6 between -90000000 and 90000000),
    lon_e6           integer not null check (lon_e6 between -180000000 and 180000000),
    facilities       text[] not null default '{}' check (facilities <@ array[
                         'rest_seats', 'drinking_water', 'microwave', 'charging', 'toilet',
                         'nursing_room', 'library', 'counselling_room', 'aed', 'checkup_machine',
                         'oxygen', 'wifi', 'first_aid']),
    keeper_name      text not null default '' check (length(keeper_name) <= 30),
    keeper_phone     text not null default '' check (length(keeper_phone) <= 20),
    status           text not null default 'open' check (status in ('open', 'closed')),
    closed_reason    text not null default '' check (length(closed_reason) <= 200),
    -- services given, all time: kept by the trigger below
    served           bigint not null default 0 check (served >= 0),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

create function station_earth(lat_e6 integer, lon_e6 integer) returns earth
language sql immutable strict parallel safe as $$
    select public.ll_to_earth(lat_e6 / 1000000.0::float8, lon_e6 / 1000000.0::float8)
$$;

create index stations_earth on stations using gist (station_earth(lat_e6, lon_e6))
    where status = 'open';
create index stations_organisation on stations (organisation_id);
create index stations_district on stations (district_id, kind);
create index stations_facilities on stations using gin (facilities);

-- Opening hours per ISO weekday (1 Monday … 7 Sunday), in minutes after midnight; a day without a
-- row is closed. Closing at 1440 (24:00) means open to midnight.
create table station_hours (
    station_id  bigint not null references stations (id) on delete cascade,
    weekday     smallint not null check (weekday between 1 and 7),
    opens       smallint not null check (opens between 0 and 1439),
    closes      smallint not null check (closes between 1 and 1440),
    primary key (station_id, weekday),
    check (opens < closes)
);

create table station_honours (
    station_id  bigint not null references stations (id) on delete cascade,
    year        integer not null check (year between 1950 and 2100),
    title       text not null check (length(btrim(title)) between 1 and 60),
    primary key (station_id, year, title)
);
create index station_honours_title on station_honours (title);

-- Services given at a station: one by one (count 1) or a day's count of one kind.
create table station_services (
    id           bigint generated always as identity primary key,
    station_id   bigint not null references stations (id),
    day          date not null,
    kind         text not null check (kind in (
                     'rest', 'water', 'charging', 'meal', 'health_check', 'legal_advice',
                     'joining', 'training', 'other')),
    count        integer not null check (count between 1 and 100000),
    recorded_by  bigint references users (id),
    recorded_at  timestamptz not null default now()
);
create index station_services_station on station_services (station_id, day);

-- Once per statement, so that a day's counts (or a year's, seeding the demo) update each station
-- once.
create function stations_count_services() returns trigger language plpgsql as $$
begin
    update stations s set served = s.served + a.total
    from (select station_id, sum(count) as total from added group by station_id) a
    where s.id = a.station_id;
    return null;
end
$$;
create trigger station_services_counted after insert on station_services
    referencing new table as added
    for each statement execute function stations_count_services();

-- Named places of a district from which workers look for a station, and which the coverage
-- report checks: transport hubs, shopping and scenic areas, logistics hubs, building sites,
-- outdoor workers' gathering places. Everyone reads them (the finder is public); the union that
-- added a place (or one above it) removes it.
create table places (
    id               bigint generated always as identity primary key,
    organisation_id  bigint not null references organisations (id),
    district_id      bigint not null references districts (id),
    name         text not null check (length(btrim(name)) between 1 and 60),
    kind         text not null check (kind in (
                     'transport_hub', 'shopping_scenic', 'logistics_hub', 'building_site',
                     'gathering_place')),
    lat_e6       integer not null check (lat_e6 between -90000000 and 90000000),
    lon_e6       integer not null check (lon_e6 between -180000000 and 180000000),
    unique (district_id, name)
);
