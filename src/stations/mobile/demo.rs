//! The demo's mobile station (流动驿站): the city federation's first vehicle on three routes, as
//! Anyang's: transport hubs; shopping and scenic areas; logistics hubs and building sites; with
//! the last four weeks' runs.

use sqlx::PgConnection;
use time::Duration;

use crate::geo::Point;
use crate::stations::model::{Facility, Kind, Service, ValidStation};
use crate::stations::queries;

/// The city federation's first mobile station and its three routes (transport hubs; shopping and
/// scenic areas; logistics hubs and building sites), with the last four weeks' runs.
/// A route: its name, weekdays, and stops (place, arrives, leaves in minutes after midnight).
type DemoRoute = (
    &'static str,
    &'static [i16],
    &'static [(&'static str, i16, i16)],
);

const ROUTES: [DemoRoute; 3] = [
    (
        "交通枢纽线",
        &[1, 3, 5],
        &[
            ("大连火车站", 480, 600),
            ("港湾广场", 630, 720),
            ("大连北站", 840, 990),
        ],
    ),
    (
        "商圈景区线",
        &[2, 4, 6],
        &[
            ("青泥洼桥商圈", 540, 660),
            ("西安路商圈", 690, 810),
            ("星海广场", 900, 1050),
        ],
    ),
    (
        "物流工地线",
        &[7],
        &[
            ("甘井子物流园", 510, 630),
            ("黑石礁在建地铁工地", 660, 780),
            ("大窑湾港物流园", 870, 1020),
        ],
    ),
];

pub async fn seed(tx: &mut PgConnection, city: i64, district: i64) -> Result<(), crate::BoxError> {
    let vehicle = ValidStation {
        organisation_id: city,
        code: "DL-MOBILE-01".into(),
        name: "大连市总工会流动驿站".into(),
        kind: Kind::Mobile,
        district_id: district,
        address: "大连市中山区人民路（车辆停放点）".into(),
        point: Point::new(38_921_000, 121_648_000).ok_or("a demo point")?,
        facilities: vec![
            Facility::RestSeats,
            Facility::DrinkingWater,
            Facility::Microwave,
            Facility::Charging,
            Facility::CheckupMachine,
            Facility::FirstAid,
        ],
        hours: [None; 7],
        honours: Vec::new(),
        keeper_name: "赵刚".into(),
        keeper_phone: "13904110001".into(),
    };
    let station = queries::insert(tx, &vehicle).await?;
    let today = crate::joining::queries::today(&mut *tx).await?;
    for (n, (name, weekdays, stops)) in ROUTES.iter().enumerate() {
        let route: i64 = sqlx::query_scalar!(
            "insert into station_routes (station_id, name, weekdays) values ($1, $2, $3) returning id",
            station,
            name,
            weekdays
        )
        .fetch_one(&mut *tx)
        .await?;
        let mut places = Vec::new();
        for (position, (place, arrives, leaves)) in (1i16..).zip(stops.iter()) {
            let place: i64 = sqlx::query_scalar!(
                "insert into station_route_stops (route_id, position, place_id, arrives, leaves)
                 select $1, $2, id, $4, $5 from places where name = $3 returning place_id",
                route,
                position,
                place,
                arrives,
                leaves
            )
            .fetch_one(&mut *tx)
            .await?;
            places.push(place);
        }
        // The runs of the last four weeks on the route's days.
        for back in 1..=28i64 {
            let day = today - Duration::days(back);
            let weekday = i16::from(day.weekday().number_from_monday());
            if !weekdays.contains(&weekday) {
                continue;
            }
            let counts: Vec<(i64, Service, i32)> = places
                .iter()
                .enumerate()
                .flat_map(|(k, place)| {
                    let busy = 20 + ((back as usize * 7 + k * 5 + n * 3) % 25) as i32;
                    [
                        (*place, Service::Rest, busy),
                        (*place, Service::Water, busy - 5),
                        (*place, Service::Charging, busy / 2),
                        (*place, Service::HealthCheck, busy / 4),
                    ]
                })
                .collect();
            super::queries::record_visit(tx, (station, route), day, &counts, None).await?;
        }
    }
    Ok(())
}
