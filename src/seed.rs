//! The demo world: the organisations and people of DOMAIN.md, so the first run shows a living union.
//! Each module adds its part here.

use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;

use crate::access::Actor;
use crate::audit::{self, Change};
use crate::auth::model::hash_password_blocking;
use crate::orgs::queries::{NewOrganisation, insert_organisation};
use crate::users::queries::{NewUser, insert_user};
use crate::workflow::{self, Line};

/// The demo accounts: username, display name, roles, and the code of their organisation.
pub const DEMO_ACCOUNTS: [(&str, &str, &[&str], &str); 12] = [
    ("admin", "系统管理员", &["admin"], "DL"),
    ("staff", "王芳", &["staff"], "DL-GJZ"),
    ("reviewer", "李强", &["reviewer"], "DL"),
    ("manager", "张伟", &["manager"], "DL"),
    ("auditor", "赵敏", &["auditor"], "DL"),
    ("applicant", "刘洋", &["staff"], "DL-GJZ-HQ"),
    ("organiser", "周婷", &["staff"], "DL"),
    ("judge", "孙磊", &["judge"], "DL"),
    ("judge_chen", "陈刚", &["judge"], "DL"),
    ("judge_gao", "高洁", &["judge"], "DL"),
    ("mediator", "郑律", &["mediator"], "DL-GJZ"),
    ("doctor", "马丽", &["health"], "DL-GJZ-YQ"),
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

/// Seeds the demo world in one transaction; the accounts get `password`, personal data is sealed
/// with `pii`.
pub async fn demo(
    db: &PgPool,
    password: &SecretString,
    pii: &crate::pii::Pii,
) -> Result<(), crate::BoxError> {
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
    demo_members(&mut tx, &ids, pii).await?;
    demo_join_requests(&mut tx, &ids, pii).await?;
    let reviewer = crate::users::queries::find_id_by_username(&mut *tx, "reviewer")
        .await?
        .ok_or("the demo reviewer")?;
    crate::applications::demo::seed(&mut tx, &ids, reviewer).await?;
    crate::competitions::demo::seed(&mut tx, &ids).await?;
    crate::contestants::demo::seed(&mut tx, pii, ids["DL"]).await?;
    crate::marks::demo::seed(&mut tx).await?;
    crate::employers::demo::seed(&mut tx, &ids).await?;
    crate::disputes::demo::seed(&mut tx, &ids, pii).await?;
    crate::letters::demo::seed(&mut tx, &ids).await?;
    crate::contracts::demo::seed(&mut tx, &ids).await?;
    crate::stations::demo::seed(&mut tx, &ids).await?;
    crate::checkups::demo::seed(&mut tx, &ids).await?;
    crate::care::demo::seed(&mut tx, &ids, pii).await?;
    crate::aid::demo::seed(&mut tx, &ids, pii).await?;
    tx.commit().await?;
    Ok(())
}

/// Names as they come: two and three characters mostly, a compound surname, a minority name.
const DEMO_NAMES: [&str; 24] = [
    "王芳",
    "李强",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄敏",
    "周杰",
    "吴勇",
    "徐丽",
    "孙浩",
    "马超",
    "朱琳",
    "胡斌",
    "郭亮",
    "何军",
    "林峰",
    "罗刚",
    "梁晨",
    "欧阳娜娜",
    "司马光明",
    "阿依古丽·买买提",
    "宋小宝",
];

/// (organisation code, occupation, employer or platform, how many, joining channel)
const DEMO_MEMBER_GROUPS: [(&str, &str, &str, usize, &str); 6] = [
    (
        "DL-XJY-PS",
        "delivery_rider",
        "美团外卖大连站",
        14,
        "online",
    ),
    (
        "DL-XJY-PS",
        "delivery_rider",
        "饿了么大连配送站",
        8,
        "online",
    ),
    (
        "DL-XJY-HY",
        "truck_driver",
        "大连港湾物流车队",
        12,
        "ceremony",
    ),
    (
        "DL-GJZ-HQ-SD",
        "truck_driver",
        "大连顺达物流有限公司",
        6,
        "staff",
    ),
    (
        "DL-GJZ-HQ-FX",
        "courier",
        "大连飞翔快递服务有限公司",
        9,
        "staff",
    ),
    (
        "DL-JZ-SQ",
        "domestic_worker",
        "友谊社区家政服务站",
        4,
        "staff",
    ),
];

/// Members of the new-employment-form unions: riders who joined online, truck drivers at a joining
/// ceremony, couriers entered by staff (DOMAIN.md: 指尖入会, a ceremony of truck drivers).
async fn demo_members(
    tx: &mut sqlx::PgConnection,
    ids: &std::collections::HashMap<&str, i64>,
    pii: &crate::pii::Pii,
) -> Result<(), crate::BoxError> {
    use crate::members::model::{IdNumber, Phone, ValidMember};
    let today = crate::joining::queries::today(&mut *tx).await?;
    let mut n = 0usize;
    for (code, occupation, employer, count, channel) in DEMO_MEMBER_GROUPS {
        for _ in 0..count {
            n += 1;
            let region = if code.starts_with("DL-JZ") {
                "210213"
            } else {
                "210211"
            };
            let birth = format!("{}{:02}{:02}", 1975 + n % 25, 1 + n % 12, 1 + n % 28);
            let id = IdNumber::complete(&format!("{region}{birth}{:03}", 100 + n));
            let skill = [
                "junior",
                "intermediate",
                "senior",
                "technician",
                "senior_technician",
            ]
            .get(n % 7)
            .copied();
            let valid = ValidMember {
                name: DEMO_NAMES[n % DEMO_NAMES.len()].to_string(),
                id_number: IdNumber::parse(&id).map_err(|e| format!("demo ID {id}: {e:?}"))?,
                phone: Phone::parse(&format!("139{:08}", 41_100_000 + n * 7919))
                    .ok_or("demo phone")?,
                employer: employer.to_string(),
                occupation,
                skill_level: skill,
                // Riders keep joining online: theirs are the last weeks' dates.
                join_date: if channel == "online" {
                    today - time::Duration::days((n % 40) as i64)
                } else {
                    time::Date::from_calendar_date(
                        2026,
                        time::Month::try_from(1 + (n % 10) as u8)?,
                        1 + (n % 27) as u8,
                    )?
                },
                join_channel: channel,
            };
            let record = crate::members::queries::NewMember::sealed(pii, ids[code], &valid);
            let (id, _) = crate::members::queries::insert_member(&mut *tx, &record).await?;
            let joined =
                Line::event("member", id, ids[code], "joined").between(None, Some(ids[code]));
            workflow::write_timeline(tx, &Actor::system("seed"), &joined).await?;
        }
    }
    Ok(())
}

/// Riders who scanned the delivery workers' union's QR code this week and wait for a decision, so
/// the queue and the home page's to-do are not empty on the first run.
async fn demo_join_requests(
    tx: &mut sqlx::PgConnection,
    ids: &std::collections::HashMap<&str, i64>,
    pii: &crate::pii::Pii,
) -> Result<(), crate::BoxError> {
    use crate::members::model::{IdNumber, Phone};
    let waiting = [
        ("赵磊", "19960817", "美团外卖大连站", "delivery_rider"),
        ("孙悦", "20010305", "饿了么大连配送站", "delivery_rider"),
        ("冯晓东", "19920611", "闪送大连", "courier"),
    ];
    for (n, (name, birth, employer, occupation)) in waiting.into_iter().enumerate() {
        let id = IdNumber::parse(&IdNumber::complete(&format!("210211{birth}{:03}", 901 + n)))
            .map_err(|e| format!("demo request ID: {e:?}"))?;
        let phone = Phone::parse(&format!("1370411{:04}", 2001 + n)).ok_or("demo phone")?;
        crate::joining::queries::insert(
            &mut *tx,
            &crate::joining::queries::NewRequest {
                reference: &crate::random::random_reference(),
                organisation_id: ids["DL-XJY-PS"],
                name,
                id_number_cipher: pii.encrypt(id.as_str()),
                id_number_index: pii.index(id.as_str()),
                id_number_masked: id.masked(),
                phone_cipher: pii.encrypt(phone.as_str()),
                phone_masked: phone.masked(),
                employer,
                occupation,
                ip: None,
            },
        )
        .await?;
    }
    Ok(())
}
