//! The demo's employers: the logistics, delivery and platform companies the demo's riders,
//! couriers and truck drivers work for, kept by the city and by the districts.

use std::collections::HashMap;

use sqlx::PgConnection;

use super::model::{Kind, ValidEmployer};
use crate::access::Actor;
use crate::audit::{self, Change};

/// (keeping organisation, name, credit code, kind, industry, workers)
const EMPLOYERS: &[(&str, &str, &str, Kind, &str, i32)] = &[
    (
        "DL-GJZ-HQ-SD",
        "大连顺达物流有限公司",
        "91210211MA0QB7K2XX",
        Kind::Enterprise,
        "道路货运",
        420,
    ),
    (
        "DL-GJZ",
        "大连飞鹰快递服务有限公司",
        "91210211MA10J6T8HX",
        Kind::Enterprise,
        "快递",
        260,
    ),
    (
        "DL-GJZ",
        "大连闪送同城配送有限公司",
        "91210211MA0R5G8M2L",
        Kind::Platform,
        "即时配送",
        1_350,
    ),
    (
        "DL-GJZ",
        "甘井子区老王家政服务部",
        "92210211MA0N7E2B6T",
        Kind::IndividualBusiness,
        "家政",
        8,
    ),
    (
        "DL-JZ",
        "大连金州港湾建设工程有限公司",
        "91210213MA0Y3C5N1Y",
        Kind::Enterprise,
        "建筑施工",
        690,
    ),
    (
        "DL-JZ",
        "大连友谊社区家政服务有限公司",
        "91210213MA0UE1Q7DE",
        Kind::Enterprise,
        "家政",
        45,
    ),
    (
        "DL",
        "大连智行网约车平台有限公司",
        "91210200MA0XK8P4RE",
        Kind::Platform,
        "网约车",
        5_200,
    ),
    (
        "DL",
        "大连市货运司机协会",
        "52210200MJ2K3N4P5M",
        Kind::SocialOrganisation,
        "道路货运",
        12,
    ),
    (
        "DL",
        "大连东港冷链物流有限公司",
        "91210200MA0W4L9F36",
        Kind::Enterprise,
        "冷链物流",
        310,
    ),
    (
        "DL-XJY",
        "大连西岗餐饮管理有限公司",
        "91210204MA0TC2W9L1",
        Kind::Enterprise,
        "餐饮",
        120,
    ),
];

pub async fn seed(tx: &mut PgConnection, ids: &HashMap<&str, i64>) -> Result<(), crate::BoxError> {
    let actor = Actor::system("seed");
    for &(org, name, code, kind, industry, workers) in EMPLOYERS {
        let employer = ValidEmployer {
            name: name.into(),
            credit_code: Some(code.into()),
            kind,
            industry: industry.into(),
            address: String::new(),
            contact_person: String::new(),
            contact_phone: String::new(),
            workers: Some(workers),
        };
        let organisation_id = *ids.get(org).ok_or("a demo employer's organisation")?;
        let id = super::queries::insert(&mut *tx, organisation_id, &employer).await?;
        audit::record(
            &mut *tx,
            &actor,
            Change {
                entity: "employer",
                entity_id: id.to_string(),
                action: "create",
                organisation_id: Some(organisation_id),
                before: None,
                after: serde_json::to_value(&employer).ok(),
            },
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_demo_credit_code_passes_its_check() {
        for (.., code, _, _, _) in super::EMPLOYERS {
            assert!(
                super::super::model::CreditCode::parse(code).is_ok(),
                "{code}"
            );
        }
    }
}
