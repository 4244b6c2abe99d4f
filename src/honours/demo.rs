//! Demo recommendations: winners of the building-materials final at every stage, one of them
//! granted Dalian Craftsman and promoted to senior technician, so their member record shows it.

use sqlx::PgConnection;

use super::model::{Recommend, Status, level_rank};
use super::queries as q;
use crate::access::Actor;
use crate::workflow::{self, Line};

pub async fn seed(
    tx: &mut PgConnection,
    (competition, organisation): (i64, i64),
) -> Result<(), crate::BoxError> {
    let winners = q::winners(&mut *tx, competition).await?;
    let promoted = winners
        .iter()
        .find(|w| level_rank(w.skill_level.as_deref()) < level_rank(Some("senior_technician")))
        .ok_or("a demo winner below senior technician")?;
    let others: Vec<_> = winners
        .iter()
        .filter(|w| w.contestant_id != promoted.contestant_id)
        .collect();
    let federation = "大连市总工会";
    let plan: [(i64, &'static str, Option<&'static str>, Status, &str); 5] = [
        (
            promoted.contestant_id,
            "city_craftsman",
            None,
            Status::Granted,
            federation,
        ),
        (
            promoted.contestant_id,
            "skill_promotion",
            Some("senior_technician"),
            Status::Granted,
            "大连市人力资源和社会保障局",
        ),
        (
            others[0].contestant_id,
            "may_day_medal",
            None,
            Status::Submitted,
            federation,
        ),
        (
            others[1].contestant_id,
            "craftsman_cultivation",
            None,
            Status::Proposed,
            "",
        ),
        (
            others[2].contestant_id,
            "city_craftsman",
            None,
            Status::Declined,
            federation,
        ),
    ];
    let actor = Actor::system("seed");
    for (contestant_id, kind, skill_level, target, body) in plan {
        let recommend = Recommend {
            contestant_id,
            kind,
            skill_level,
        };
        let id = q::insert(&mut *tx, competition, &recommend)
            .await?
            .ok_or("a demo winner of the final")?;
        let line = Line::event("recommendation", id, organisation, "proposed").with_comment(kind);
        workflow::record(tx, &actor, &line).await?;
        let steps: &[(Status, Status, &str)] = match target {
            Status::Proposed => &[],
            Status::Submitted => &[(
                Status::Proposed,
                Status::Submitted,
                "recommendation_submitted",
            )],
            Status::Granted => &[
                (
                    Status::Proposed,
                    Status::Submitted,
                    "recommendation_submitted",
                ),
                (Status::Submitted, Status::Granted, "recommendation_granted"),
            ],
            Status::Declined => &[
                (
                    Status::Proposed,
                    Status::Submitted,
                    "recommendation_submitted",
                ),
                (
                    Status::Submitted,
                    Status::Declined,
                    "recommendation_declined",
                ),
            ],
        };
        for (from, to, event) in steps {
            let reason = (*to == Status::Declined).then_some("名额已满，推荐下一年度参评");
            let body = (*to == Status::Submitted).then_some(body);
            q::step(&mut *tx, id, (*from, *to), body, reason).await?;
            if let (Status::Granted, Some(level)) = (to, skill_level) {
                q::promote(&mut *tx, promoted.member_id, level).await?;
            }
            let line = Line::change(
                "recommendation",
                id,
                organisation,
                event,
                from.code(),
                to.code(),
            );
            workflow::record(tx, &actor, &line).await?;
        }
    }
    Ok(())
}
