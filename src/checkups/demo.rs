//! The demo's health huts, with the figures of the news page (Qinghai oilfield's 27 huts and 69
//! health corners, placed at 甘井子区's industrial park union): six months of check-ups of truck
//! drivers and logistics workers, a few values outside their ranges, and the alerts they raised,
//! the older ones followed up and closed, the recent ones open. A doctor (`doctor`, role health)
//! works at the park union.

use std::collections::HashMap;

use sqlx::PgConnection;
use time::Duration;

use super::model::{Indicator, bmi};
use super::queries;
use crate::geo::Point;
use crate::stations::model::{Facility, Hours, Kind, ValidStation};

const HUTS: usize = 27;
const CORNERS: usize = 69;

pub async fn seed(tx: &mut PgConnection, ids: &HashMap<&str, i64>) -> Result<(), crate::BoxError> {
    let district: i64 = sqlx::query_scalar!("select id from districts where name = '甘井子区'")
        .fetch_one(&mut *tx)
        .await?;
    let mut huts = Vec::new();
    for n in 0..HUTS + CORNERS {
        let hut = n < HUTS;
        let station = ValidStation {
            organisation_id: ids["DL-GJZ-YQ"],
            code: if hut {
                format!("DL-YQ-H{:02}", n + 1)
            } else {
                format!("DL-YQ-C{:02}", n - HUTS + 1)
            },
            name: if hut {
                format!("产业园区第{}健康小屋", n + 1)
            } else {
                format!("产业园区第{}健康角", n - HUTS + 1)
            },
            kind: if hut {
                Kind::HealthHut
            } else {
                Kind::HealthCorner
            },
            district_id: district,
            address: format!("大连市甘井子区智能制造产业园区{}号厂区", n + 1),
            point: Point::new(
                38_990_000 + (n as i32 % 10) * 1_800,
                121_440_000 + (n as i32 / 10) * 2_300,
            )
            .ok_or("a demo point")?,
            facilities: vec![
                Facility::RestSeats,
                Facility::DrinkingWater,
                Facility::CheckupMachine,
            ],
            hours: [Some(Hours {
                opens: 480,
                closes: 1080,
            }); 7],
            honours: Vec::new(),
            keeper_name: "马丽".into(),
            keeper_phone: "0411-86607891".into(),
        };
        huts.push(crate::stations::queries::insert(tx, &station).await?);
    }
    let members: Vec<i64> = sqlx::query_scalar!(
        "select m.id from members m join organisations o on o.id = m.organisation_id
         where o.code in ('DL-XJY-HY', 'DL-GJZ-HQ-SD') order by m.id limit 60"
    )
    .fetch_all(&mut *tx)
    .await?;
    let doctor: Option<i64> = sqlx::query_scalar!("select id from users where username = 'doctor'")
        .fetch_optional(&mut *tx)
        .await?;
    let now: time::OffsetDateTime = sqlx::query_scalar!(r#"select now() as "now!""#)
        .fetch_one(&mut *tx)
        .await?;
    for (k, member) in members.iter().enumerate() {
        // Every month for six months at the member's hut; one in nine with high blood pressure.
        for month in 0..6i64 {
            let taken = now - Duration::days(180 - month * 30 + (k % 20) as i64);
            let wave = ((k * 7 + month as usize * 3) % 11) as i64;
            let high_pressure = k % 9 == 4 && month >= 3;
            let (weight, height) = (
                6_500 + (k as i64 % 25) * 100,
                16_800 + (k as i64 % 15) * 100,
            );
            let mut readings = vec![
                (
                    Indicator::Systolic,
                    if high_pressure {
                        15_200 + wave * 100
                    } else {
                        11_500 + wave * 150
                    },
                ),
                (
                    Indicator::Diastolic,
                    if high_pressure {
                        9_600
                    } else {
                        7_400 + wave * 50
                    },
                ),
                (Indicator::Spo2, 9_700 + (wave % 3) * 100),
                (Indicator::HeartRate, 6_800 + wave * 200),
                (
                    Indicator::Glucose,
                    480 + wave * 10 + if k % 13 == 6 && month == 5 { 300 } else { 0 },
                ),
                (Indicator::Temperature, 3_640 + (wave % 5) * 10),
                (Indicator::Weight, weight),
                (Indicator::Height, height),
            ];
            readings.extend(bmi(weight, height).map(|v| (Indicator::Bmi, v)));
            let station = huts[k % huts.len()];
            let (checkup, _) =
                queries::record(tx, (*member, station), taken, &readings, doctor).await?;
            // The older alerts have been followed up.
            if month < 5 {
                sqlx::query!(
                    "update health_alerts set status = 'closed', advice = '低盐饮食，规律作息，一个月后复查。',
                         next_check = ($2::timestamptz + interval '30 days')::date, closed_by = $3,
                         closed_at = $2::timestamptz + interval '2 days'
                     where checkup_id = $1",
                    checkup,
                    taken,
                    doctor
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    Ok(())
}
