//! The demo world: the organisations and people of DOMAIN.md, so the first run shows a living union.
//! Each module adds its part here.

use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;

use crate::audit::{self, Actor, Change};
use crate::auth::model::hash_password_blocking;
use crate::orgs::queries::{NewOrganisation, insert_organisation};
use crate::users::queries::{NewUser, insert_user};

/// The demo accounts: username, display name, roles, and the code of their organisation.
pub const DEMO_ACCOUNTS: [(&str, &str, &[&str], &str); 6] = [
    ("admin", "系统管理员", &["admin"], "DL"),
    ("staff", "王芳", &["staff"], "DL-GJZ"),
    ("reviewer", "李强", &["reviewer"], "DL"),
    ("manager", "张伟", &["manager"], "DL"),
    ("auditor", "赵敏", &["auditor"], "DL"),
    ("applicant", "刘洋", &["staff"], "DL-GJZ-HQ"),
];

/// (code, parent code, kind, name, region, contact person, phone)
const DEMO_ORGANISATIONS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "DL",
        "",
        "city_federation",
        "大连市总工会",
        "大连市",
        "陈建国",
        "0411-82345678",
    ),
    (
        "DL-JY",
        "DL",
        "industry_union",
        "大连市教育工会",
        "大连市",
        "孙丽",
        "0411-82345601",
    ),
    (
        "DL-CM",
        "DL",
        "industry_union",
        "大连市财贸工会",
        "大连市",
        "周涛",
        "0411-82345602",
    ),
    (
        "DL-JT",
        "DL",
        "industry_union",
        "大连市交通运输工会",
        "大连市",
        "吴刚",
        "0411-82345603",
    ),
    (
        "DL-GJZ",
        "DL",
        "district_federation",
        "甘井子区总工会",
        "甘井子区",
        "郑红",
        "0411-86601234",
    ),
    (
        "DL-GJZ-HQ",
        "DL-GJZ",
        "township_union",
        "甘井子区红旗街道工会",
        "甘井子区",
        "冯雪",
        "0411-86605678",
    ),
    (
        "DL-GJZ-HQ-SD",
        "DL-GJZ-HQ",
        "grassroots_union",
        "大连顺达物流有限公司工会",
        "甘井子区",
        "何军",
        "13904111234",
    ),
    (
        "DL-GJZ-HQ-FX",
        "DL-GJZ-HQ",
        "grassroots_union",
        "大连飞翔快递服务有限公司工会",
        "甘井子区",
        "高鹏",
        "13904112345",
    ),
    (
        "DL-GJZ-YQ",
        "DL-GJZ",
        "park_union",
        "甘井子区智能制造产业园区工会",
        "甘井子区",
        "马力",
        "0411-86607890",
    ),
    (
        "DL-GJZ-YQ-HX",
        "DL-GJZ-YQ",
        "grassroots_union",
        "大连华兴装备制造有限公司工会",
        "甘井子区",
        "罗斌",
        "13904113456",
    ),
    (
        "DL-JZ",
        "DL",
        "district_federation",
        "金州区总工会",
        "金州区",
        "林静",
        "0411-87601234",
    ),
    (
        "DL-JZ-DK",
        "DL-JZ",
        "industry_federation",
        "金州区低空经济行业工会联合会",
        "金州区",
        "谢飞",
        "0411-87605678",
    ),
    (
        "DL-JZ-SQ",
        "DL-JZ",
        "community_union",
        "金州区友谊社区工会",
        "金州区",
        "韩梅",
        "0411-87607890",
    ),
    (
        "DL-XJY",
        "DL",
        "new_employment_federation",
        "大连市新就业形态工会联合会",
        "大连市",
        "唐晓",
        "0411-82345699",
    ),
    (
        "DL-XJY-PS",
        "DL-XJY",
        "grassroots_union",
        "大连市网约配送员工会",
        "大连市",
        "曹宇",
        "13904114567",
    ),
    (
        "DL-XJY-HY",
        "DL-XJY",
        "grassroots_union",
        "大连市货车司机工会",
        "大连市",
        "彭浩",
        "13904115678",
    ),
];

/// Whether the database holds anything yet: the demo is seeded only into an empty one.
pub async fn is_empty(db: &PgPool) -> sqlx::Result<bool> {
    Ok(crate::orgs::queries::count_all(db).await? == 0)
}

/// Seeds the demo world in one transaction; the accounts get `password`.
pub async fn demo(db: &PgPool, password: &SecretString) -> Result<(), crate::BoxError> {
    let actor = Actor::system("seed");
    let hash =
        hash_password_blocking(SecretString::from(password.expose_secret().to_string())).await?;
    let mut tx = db.begin().await?;
    let mut ids = std::collections::HashMap::new();
    for &(code, parent, kind, name, region, person, phone) in DEMO_ORGANISATIONS {
        let org = NewOrganisation {
            parent_id: ids.get(parent).copied(),
            kind: kind.into(),
            name: name.into(),
            code: code.into(),
            region: region.into(),
            contact_person: person.into(),
            contact_phone: phone.into(),
            address: String::new(),
        };
        let id = insert_organisation(&mut *tx, &org).await?;
        audit::record(
            &mut *tx,
            &actor,
            Change {
                entity: "organisation",
                entity_id: id.to_string(),
                action: "create",
                organisation_id: Some(id),
                before: None,
                after: serde_json::to_value(&org).ok(),
            },
        )
        .await?;
        ids.insert(code, id);
    }
    for (username, display_name, roles, org_code) in DEMO_ACCOUNTS {
        let organisation_id = ids[org_code];
        let user = NewUser {
            organisation_id,
            username,
            display_name,
            password_hash: &hash,
            roles: roles.iter().map(|role| role.to_string()).collect(),
            must_change_password: false,
        };
        let id = insert_user(&mut *tx, &user).await?;
        audit::record(
            &mut *tx,
            &actor,
            Change {
                entity: "user",
                entity_id: id.to_string(),
                action: "create",
                organisation_id: Some(organisation_id),
                before: None,
                after: Some(serde_json::json!({ "username": username, "roles": roles })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A password for the demo accounts that is easy to type: no look-alike characters.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 14];
    getrandom::fill(&mut bytes).expect("the operating system's random generator works");
    bytes
        .iter()
        .map(|byte| ALPHABET[*byte as usize % ALPHABET.len()] as char)
        .collect()
}
