-- Services given per station, month and kind, kept by the trigger that keeps `stations.served`:
-- a station's page and the service totals by kind, district and period read these (a few
-- hundred thousand rows for 5,000 stations over years) instead of every service record; only a
-- period's partial first and last months are read from the records themselves.

create table station_service_tallies (
    station_id  bigint not null references stations (id),
    month       date not null check (extract(day from month) = 1),
    kind        text not null,
    count       bigint not null check (count >= 0),
    primary key (station_id, month, kind)
);
create index station_service_tallies_month on station_service_tallies (month);

insert into station_service_tallies (station_id, month, kind, count)
select station_id, date_trunc('month', day)::date, kind, sum(count)
from station_services
group by 1, 2, 3;

-- Once per statement; the tallies are added in key order so that two statements adding to the
-- same months lock them in the same order.
create or replace function stations_count_services() returns trigger language plpgsql as $$
begin
    update stations s set served = s.served + a.total
    from (select station_id, sum(count) as total from added group by station_id) a
    where s.id = a.station_id;
    insert into station_service_tallies as t (station_id, month, kind, count)
    select station_id, date_trunc('month', day)::date, kind, sum(count)
    from added
    group by 1, 2, 3
    order by 1, 2, 3
    on conflict (station_id, month, kind) do update set count = t.count + excluded.count;
    return null;
end
$$;
