//! The demo's collective contracts, with the figures of the news page: 37 contracts in force
//! covering 141 enterprises and 13,126 workers. Five cover an industry or an area (快递物流,
//! 网约配送, 道路货运, 红旗街道, 金州区家政), 32 one enterprise each; two of those renew contracts
//! that have ended, two end within 90 and 30 days (the reminders go out at the first start), and
//! one more was signed a fortnight ago and waits to be filed. The employers they cover join the
//! register, each with a credit code that passes its check.

use std::collections::HashMap;

use sqlx::PgConnection;
use time::{Date, Duration};

use super::model::{Coverage, Subject, ValidContract};
use super::queries;
use crate::access::Actor;
use crate::employers::model::{CreditCode, Kind as EmployerKind, ValidEmployer};
use crate::workflow::{self, Line};

/// Two-character trade names, combined with an industry to name the demo's enterprises.
const NAMES: [&str; 36] = [
    "安达", "百顺", "诚信", "达通", "恒通", "华运", "佳捷", "金诺", "久安", "凯达", "立通", "联运",
    "隆兴", "明达", "鹏程", "瑞丰", "盛通", "顺捷", "泰和", "通达", "万通", "鑫源", "兴邦", "亚星",
    "永安", "远航", "中联", "众诚", "卓越", "宏图", "海润", "新程", "博远", "德润", "丰泽", "广源",
];

/// One multi-employer contract: (union, coverage, title, employer party, employers from the
/// register, how many new ones and their industry, workers).
type Group = (
    &'static str,
    Coverage,
    &'static str,
    &'static str,
    &'static [&'static str],
    (usize, &'static str),
    i32,
);

const GROUPS: [Group; 5] = [
    (
        "DL-GJZ",
        Coverage::Industry,
        "甘井子区快递物流行业集体合同",
        "甘井子区快递行业协会",
        &["大连飞鹰快递服务有限公司"],
        (29, "快递服务"),
        3_260,
    ),
    (
        "DL",
        Coverage::Industry,
        "大连市网约配送行业集体合同",
        "大连市即时配送企业代表",
        &["大连闪送同城配送有限公司"],
        (24, "同城配送"),
        2_840,
    ),
    (
        "DL-JT",
        Coverage::Industry,
        "大连市道路货运行业工资专项集体合同",
        "大连市道路运输协会",
        &["大连东港冷链物流有限公司"],
        (19, "货运"),
        1_950,
    ),
    (
        "DL-GJZ-HQ",
        Coverage::Area,
        "甘井子区红旗街道区域性集体合同",
        "红旗街道企业方协商代表",
        &["甘井子区老王家政服务部"],
        (23, "商贸"),
        1_180,
    ),
    (
        "DL-JZ",
        Coverage::Area,
        "金州区家政服务业区域性集体合同",
        "金州区家政服务企业代表",
        &["大连友谊社区家政服务有限公司"],
        (9, "家政服务"),
        520,
    ),
];

/// Industries of the enterprises with a contract of their own.
const SINGLE_INDUSTRIES: [&str; 6] = ["机械制造", "电子科技", "食品", "建材", "汽车零部件", "仓储"];

pub async fn seed(tx: &mut PgConnection, ids: &HashMap<&str, i64>) -> Result<(), crate::BoxError> {
    let actor = Actor::system("seed");
    let today = crate::joining::queries::today(&mut *tx).await?;
    let mut register = Register { serial: 0 };
    let unions: HashMap<String, String> = sqlx::query_as("select code, name from organisations")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
    let union = |code: &str| unions.get(code).cloned().unwrap_or_default();
    for (n, (code, coverage, title, party, known, (new, industry), workers)) in
        GROUPS.into_iter().enumerate()
    {
        let organisation = ids[code];
        let mut employers = Vec::new();
        for name in known {
            employers.push(employer_named(tx, name).await?);
        }
        for trade in &NAMES[..new] {
            let name = format!("大连{trade}{industry}有限公司");
            employers.push(register.add(tx, organisation, &name, industry).await?);
        }
        let started = today - Duration::days(200 + 90 * n as i64);
        let contract = terms(title, coverage, (&union(code), party), workers, started);
        let id = sign(tx, &actor, organisation, &contract, (&employers, None)).await?;
        file(
            tx,
            &actor,
            (id, organisation),
            contract.signed_on + Duration::days(6),
        )
        .await?;
    }
    // 32 enterprises with a contract of their own: the logistics company's (renewing its last
    // one), the harbour builder's, the restaurant group's, and 29 more across the districts.
    let mut singles: Vec<(&str, i64, String)> = Vec::new();
    for (code, name) in [
        ("DL-GJZ-HQ-SD", "大连顺达物流有限公司"),
        ("DL-JZ", "大连金州港湾建设工程有限公司"),
        ("DL-XJY", "大连西岗餐饮管理有限公司"),
    ] {
        singles.push((code, employer_named(tx, name).await?, name.to_string()));
    }
    let districts = ["DL-GJZ-YQ", "DL-JZ", "DL-XJY", "DL-GJZ", "DL-CM"];
    for i in 0..29 {
        let code = districts[i % districts.len()];
        let industry = SINGLE_INDUSTRIES[i % SINGLE_INDUSTRIES.len()];
        let name = format!("大连{}{industry}有限公司", NAMES[35 - i]);
        let id = register.add(tx, ids[code], &name, industry).await?;
        singles.push((code, id, name));
    }
    // 13,126 workers in all: 9,750 under the five group contracts, 3,376 under these.
    let mut left = 3_376;
    for (i, (code, employer, name)) in singles.iter().enumerate() {
        let workers = if i + 1 == singles.len() {
            left
        } else {
            60 + (i as i32 * 37) % 90
        };
        left -= workers;
        let organisation = ids[code];
        let title = format!("{}集体合同", name.trim_end_matches("有限公司"));
        // Two end within 90 and 30 days; the rest started up to two years ago.
        let started = match i {
            3 => today - Duration::days(365 * 3 - 60),
            4 => today - Duration::days(365 * 3 - 20),
            _ => today - Duration::days(30 + (i as i64 * 23) % 700),
        };
        let party = name.as_str();
        let contract = terms(
            &title,
            Coverage::Enterprise,
            (&union(code), party),
            workers,
            started,
        );
        let renews = if i < 2 {
            // Its previous contract, three years long, ended the day before this one began.
            let old_start = started - Duration::days(365 * 3);
            let old = terms(
                &title,
                Coverage::Enterprise,
                (&union(code), party),
                workers,
                old_start,
            );
            let old_id = sign(tx, &actor, organisation, &old, (&[*employer], None)).await?;
            file(
                tx,
                &actor,
                (old_id, organisation),
                old.signed_on + Duration::days(5),
            )
            .await?;
            Some(old_id)
        } else {
            None
        };
        let id = sign(tx, &actor, organisation, &contract, (&[*employer], renews)).await?;
        file(
            tx,
            &actor,
            (id, organisation),
            contract.signed_on + Duration::days(4),
        )
        .await?;
    }
    // Signed a fortnight ago, not yet filed: a special wage contract at the equipment maker.
    let (code, employer, name) = &singles[3];
    let mut wages = terms(
        &format!(
            "{}{}年度工资专项集体合同",
            name.trim_end_matches("有限公司"),
            today.year()
        ),
        Coverage::Enterprise,
        (&union(code), name.as_str()),
        96,
        today - Duration::days(14),
    );
    wages.subjects = vec![Subject::Pay];
    wages.ends_on = wages.starts_on + Duration::days(364);
    sign(tx, &actor, ids[code], &wages, (&[*employer], None)).await?;
    Ok(())
}

/// A contract signed on `started` for three years (less a day), on pay, hours, rest, safety and
/// women workers' protection.
fn terms(
    title: &str,
    coverage: Coverage,
    (union, employer_party): (&str, &str),
    workers: i32,
    started: Date,
) -> ValidContract {
    let ends_on = started
        .replace_year(started.year() + 3)
        .unwrap_or(started + Duration::days(365 * 3))
        - Duration::days(1);
    ValidContract {
        coverage,
        title: title.to_string(),
        union_party: union.to_string(),
        employer_party: employer_party.to_string(),
        workers,
        subjects: vec![
            Subject::Pay,
            Subject::Hours,
            Subject::Rest,
            Subject::Safety,
            Subject::Women,
        ],
        signed_on: started,
        starts_on: started,
        ends_on,
    }
}

async fn sign(
    tx: &mut PgConnection,
    actor: &Actor,
    organisation: i64,
    contract: &ValidContract,
    (employers, renews): (&[i64], Option<i64>),
) -> sqlx::Result<i64> {
    let id = queries::insert(tx, organisation, contract, (employers, renews), None).await?;
    let step = if renews.is_some() {
        "renewal"
    } else {
        "signed"
    };
    let mut line = Line::event("collective_contract", id, organisation, step);
    line.to = Some("signed");
    workflow::record(tx, actor, &line).await?;
    if let Some(old) = renews {
        let line = Line::event("collective_contract", old, organisation, "renewed")
            .with_comment(&contract.title);
        workflow::record(tx, actor, &line).await?;
    }
    Ok(id)
}

async fn file(
    tx: &mut PgConnection,
    actor: &Actor,
    (id, organisation): (i64, i64),
    filed_on: Date,
) -> sqlx::Result<()> {
    let note = "人社部门审查无异议";
    queries::file(&mut *tx, id, (filed_on, note)).await?;
    let line = Line::change(
        "collective_contract",
        id,
        organisation,
        "filed",
        "signed",
        "filed",
    )
    .with_comment(note);
    workflow::record(tx, actor, &line).await
}

async fn employer_named(tx: &mut PgConnection, name: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar!("select id from employers where name = $1", name)
        .fetch_one(&mut *tx)
        .await
}

/// Adds the demo's enterprises to the register, numbered for their credit codes.
struct Register {
    serial: u32,
}

impl Register {
    async fn add(
        &mut self,
        tx: &mut PgConnection,
        organisation: i64,
        name: &str,
        industry: &str,
    ) -> Result<i64, crate::BoxError> {
        self.serial += 1;
        let code = CreditCode::completing(&format!("91210211MA{:07}", 1_200_000 + self.serial))
            .ok_or("a demo credit code")?;
        let employer = ValidEmployer {
            name: name.to_string(),
            credit_code: Some(code.as_str().to_string()),
            kind: EmployerKind::Enterprise,
            industry: industry.to_string(),
            address: String::new(),
            contact_person: String::new(),
            contact_phone: String::new(),
            workers: None,
        };
        Ok(crate::employers::queries::insert(&mut *tx, organisation, &employer).await?)
    }
}
