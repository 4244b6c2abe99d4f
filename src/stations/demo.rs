//! The demo's stations, with the figures of the news page placed in Dalian's ten districts: 478
//! stations, 69 of them smart and 41 honoured as 全国最美驿站, a third open all day; a year of
//! services adding up to 401,263; the named places workers start from; and a logistics company's
//! "warm home" (暖心家园) with its nursing room, library, counselling room, AED, check-up machine
//! and oxygen. The first station of each district stands 150 m from the district's first place,
//! open all day with water and charging, so the finder always has an answer there.

use std::collections::HashMap;

use sqlx::PgConnection;
use time::Duration;

use super::model::{Facility, Hours, Kind, Service, ValidStation};
use super::queries;
use crate::geo::Point;

/// (name, code, centre latitude and longitude in millionths, stations, the union they belong to)
const DISTRICTS: [(&str, &str, i32, i32, usize, &str); 10] = [
    ("中山区", "ZS", 38_918_000, 121_644_000, 60, "DL"),
    ("西岗区", "XG", 38_914_000, 121_612_000, 50, "DL"),
    ("沙河口区", "SHK", 38_905_000, 121_585_000, 70, "DL"),
    ("甘井子区", "GJZ", 38_953_000, 121_525_000, 110, "DL-GJZ"),
    ("旅顺口区", "LS", 38_852_000, 121_262_000, 30, "DL"),
    ("金州区", "JZ", 39_050_000, 121_782_000, 80, "DL-JZ"),
    ("普兰店区", "PLD", 39_393_000, 121_963_000, 25, "DL"),
    ("瓦房店市", "WFD", 39_627_000, 122_002_000, 25, "DL"),
    ("庄河市", "ZH", 39_681_000, 122_967_000, 20, "DL"),
    ("长海县", "CH", 39_272_000, 122_588_000, 8, "DL"),
];

/// (district, name, kind, latitude, longitude): the first of each district anchors a station.
const PLACES: [(&str, &str, &str, i32, i32); 24] = [
    (
        "中山区",
        "青泥洼桥商圈",
        "shopping_scenic",
        38_915_600,
        121_631_800,
    ),
    (
        "中山区",
        "人民路快递集散点",
        "gathering_place",
        38_921_300,
        121_650_200,
    ),
    (
        "中山区",
        "港湾广场",
        "transport_hub",
        38_926_800,
        121_657_900,
    ),
    (
        "西岗区",
        "大连火车站",
        "transport_hub",
        38_920_600,
        121_628_700,
    ),
    (
        "西岗区",
        "八一路外卖骑手聚集点",
        "gathering_place",
        38_911_200,
        121_611_400,
    ),
    (
        "西岗区",
        "胜利桥北景区",
        "shopping_scenic",
        38_924_100,
        121_640_300,
    ),
    (
        "沙河口区",
        "西安路商圈",
        "shopping_scenic",
        38_905_300,
        121_588_600,
    ),
    (
        "沙河口区",
        "星海广场",
        "shopping_scenic",
        38_881_500,
        121_589_600,
    ),
    (
        "沙河口区",
        "黑石礁在建地铁工地",
        "building_site",
        38_874_200,
        121_566_400,
    ),
    (
        "甘井子区",
        "大连北站",
        "transport_hub",
        38_984_600,
        121_608_400,
    ),
    (
        "甘井子区",
        "周水子国际机场",
        "transport_hub",
        38_965_700,
        121_538_600,
    ),
    (
        "甘井子区",
        "甘井子物流园",
        "logistics_hub",
        38_957_000,
        121_507_000,
    ),
    (
        "甘井子区",
        "红旗街道外卖骑手聚集点",
        "gathering_place",
        38_932_000,
        121_548_000,
    ),
    (
        "旅顺口区",
        "旅顺港",
        "transport_hub",
        38_812_000,
        121_262_000,
    ),
    (
        "旅顺口区",
        "旅顺博物馆景区",
        "shopping_scenic",
        38_815_900,
        121_247_300,
    ),
    (
        "金州区",
        "大窑湾港物流园",
        "logistics_hub",
        39_051_000,
        121_790_000,
    ),
    ("金州区", "金州站", "transport_hub", 39_093_200, 121_716_300),
    (
        "金州区",
        "金石滩景区",
        "shopping_scenic",
        39_082_000,
        121_810_000,
    ),
    (
        "普兰店区",
        "普兰店站",
        "transport_hub",
        39_395_000,
        121_963_000,
    ),
    (
        "普兰店区",
        "皮口港",
        "transport_hub",
        39_412_000,
        122_354_000,
    ),
    (
        "瓦房店市",
        "瓦房店西站",
        "transport_hub",
        39_627_000,
        122_002_000,
    ),
    (
        "庄河市",
        "庄河北站",
        "transport_hub",
        39_682_000,
        122_966_000,
    ),
    (
        "庄河市",
        "庄河市建筑工地",
        "building_site",
        39_700_000,
        122_980_000,
    ),
    (
        "长海县",
        "大长山岛客运站",
        "transport_hub",
        39_272_000,
        122_588_000,
    ),
];

const ROADS: [&str; 12] = [
    "中山路",
    "人民路",
    "解放路",
    "长江路",
    "黄河路",
    "五一路",
    "华北路",
    "东北路",
    "南山路",
    "松江路",
    "疏港路",
    "振兴路",
];

/// Stations, smart ones among them, and the honoured.
const SMART: usize = 69;
const HONOURED: usize = 41;
/// A year of services (Anyang: more than 400,000).
const SERVED: i64 = 401_263;

/// A deterministic spread in −half … +half.
fn spread(n: usize, salt: usize, half: i32) -> i32 {
    let h = (n
        .wrapping_mul(2_654_435_761)
        .wrapping_add(salt.wrapping_mul(40_503)))
        >> 5;
    (h % (2 * half as usize + 1)) as i32 - half
}

pub async fn seed(tx: &mut PgConnection, ids: &HashMap<&str, i64>) -> Result<(), crate::BoxError> {
    let mut districts = HashMap::new();
    for (name, _, lat, lon, _, _) in DISTRICTS {
        let id: i64 = sqlx::query_scalar!(
            "insert into districts (name, lat_e6, lon_e6) values ($1, $2, $3) returning id",
            name,
            lat,
            lon
        )
        .fetch_one(&mut *tx)
        .await?;
        districts.insert(name, id);
    }
    for (district, name, kind, lat, lon) in PLACES {
        sqlx::query!(
            "insert into places (organisation_id, district_id, name, kind, lat_e6, lon_e6)
             values ($1, $2, $3, $4, $5, $6)",
            ids["DL"],
            districts[district],
            name,
            kind,
            lat,
            lon
        )
        .execute(&mut *tx)
        .await?;
    }
    let mut stations = Vec::new();
    let mut n = 0usize;
    for (district, code, lat, lon, count, union) in DISTRICTS {
        for k in 0..count {
            let anchor = PLACES.iter().find(|p| p.0 == district).filter(|_| k == 0);
            let point = match anchor {
                // 150 m north of the district's first place.
                Some(place) => Point::new(place.3 + 1_350, place.4),
                None => Point::new(lat + spread(n, 1, 30_000), lon + spread(n, 2, 40_000)),
            }
            .ok_or("a demo point")?;
            let kind = if n % 7 == 0 && n / 7 < SMART {
                Kind::SmartStation
            } else {
                Kind::Station
            };
            let mut facilities = vec![Facility::RestSeats, Facility::DrinkingWater];
            if anchor.is_some() || n % 5 != 0 {
                facilities.push(Facility::Charging);
            }
            if n % 5 < 3 {
                facilities.push(Facility::Microwave);
            }
            if n % 2 == 0 {
                facilities.push(Facility::Toilet);
            }
            if kind == Kind::SmartStation {
                facilities.extend([Facility::Wifi, Facility::CheckupMachine]);
            }
            facilities.sort_by_key(|f| Facility::ALL.iter().position(|a| a == f));
            let all_day = anchor.is_some() || n % 3 == 0;
            let hours = if all_day {
                [Some(Hours::ALL_DAY); 7]
            } else if n % 3 == 1 {
                [Some(Hours {
                    opens: 420,
                    closes: 1260,
                }); 7]
            } else {
                let day = Some(Hours {
                    opens: 480,
                    closes: 1080,
                });
                [day, day, day, day, day, None, None]
            };
            let honours = if n % 11 == 5 && n / 11 < HONOURED {
                vec![(2019 + (n % 5) as i32, "全国最美驿站".to_string())]
            } else {
                Vec::new()
            };
            let road = ROADS[n % ROADS.len()];
            stations.push(ValidStation {
                organisation_id: ids[union],
                code: format!("DL-{code}-{:03}", k + 1),
                name: format!("{district}{road}{}号工会驿站", k + 1),
                kind,
                district_id: districts[district],
                address: format!("大连市{district}{road}{}号", 10 + (n * 7) % 300),
                point,
                facilities,
                hours,
                honours,
                keeper_name: ["王丽", "李建华", "张敏", "刘洋", "陈静"][n % 5].into(),
                keeper_phone: format!("0411-8{:07}", 2_300_000 + n * 13),
            });
            n += 1;
        }
    }
    // The warm home of a logistics company, one of the 478.
    if let Some(home) = stations.iter_mut().find(|s| s.code == "DL-GJZ-002") {
        home.organisation_id = ids["DL-GJZ-HQ-SD"];
        home.name = "顺达物流暖心家园".into();
        home.kind = Kind::WarmHome;
        home.facilities = vec![
            Facility::RestSeats,
            Facility::DrinkingWater,
            Facility::Microwave,
            Facility::Charging,
            Facility::Toilet,
            Facility::NursingRoom,
            Facility::Library,
            Facility::CounsellingRoom,
            Facility::Aed,
            Facility::CheckupMachine,
            Facility::Oxygen,
        ];
    }
    let mut station_ids = Vec::with_capacity(stations.len());
    for station in &stations {
        station_ids.push(queries::insert(tx, station).await?);
    }
    services(tx, &station_ids).await?;
    super::mobile::demo::seed(tx, ids["DL"], districts["中山区"]).await
}

/// A year of services: each station's monthly rest, water and charging counts, what rounding
/// left over spread one by one so that the total is exactly `SERVED`.
async fn services(tx: &mut PgConnection, station_ids: &[i64]) -> Result<(), crate::BoxError> {
    let today = crate::joining::queries::today(&mut *tx).await?;
    let (mut ids, mut days, mut kinds, mut counts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut total = 0i64;
    let per_station_month = SERVED / (station_ids.len() as i64 * 12);
    for (n, id) in station_ids.iter().enumerate() {
        for month in 0..12i64 {
            let day = today - Duration::days(15 + 30 * month);
            let busy = per_station_month + i64::from(spread(n, month as usize, 20));
            for (service, share) in [
                (Service::Rest, 5),
                (Service::Water, 3),
                (Service::Charging, 2),
            ] {
                let count = busy * share / 10;
                ids.push(*id);
                days.push(day);
                kinds.push(service.code());
                counts.push(i32::try_from(count)?);
                total += count;
            }
        }
    }
    let left = usize::try_from(SERVED - total)?;
    for k in 0..left {
        let row = k % counts.len();
        counts[row] += 1;
    }
    sqlx::query!(
        "insert into station_services (station_id, day, kind, count)
         select * from unnest($1::bigint[], $2::date[], $3::text[], $4::integer[])",
        &ids,
        &days,
        &kinds as &[&str],
        &counts
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
