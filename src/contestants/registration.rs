//! Writing registrations, for the search form and for a file alike: the competition locked and
//! found open, then each group (a member alone, or a team with its leader first) numbered and
//! audited in the caller's transaction.

use super::model::{Candidate, contestant_number};
use super::queries::{self as q, EventHead, NewContestant};
use super::routes::{audit, back};
use crate::access::CurrentUser;
use crate::competitions::model::Status;
use crate::competitions::queries::Competition;
use crate::error::{AppError, AppResult};
use crate::web::Ctx;
use crate::workflow::Refused;

/// A member as `queries::candidates` finds them: id, name, organisation, employer, and what
/// decides their eligibility.
pub type Fact = (i64, String, i64, String, Candidate);

/// Locks the competition (numbers and the one-event rule hold under concurrent registrations)
/// and refuses unless registration is open today.
pub async fn lock_open(tx: &mut sqlx::PgConnection, id: i64, event: i64) -> AppResult<()> {
    let here = back(id, event);
    match q::lock_for_registration(&mut *tx, id).await? {
        None => Err(AppError::NotFound),
        Some((status, _)) if status != Status::RegistrationOpen.code() => {
            Err(Refused("contestant.refused.not_open").conflict(here))
        }
        Some((_, false)) => Err(Refused("contestant.refused.outside_window").conflict(here)),
        Some(_) => Ok(()),
    }
}

/// Registers `members` in the event, in `team` (its id and leader) when it is a team event: the
/// leader first, then by member id, each with the next number and an audit record.
pub async fn register(
    tx: &mut sqlx::PgConnection,
    (ctx, user): (&Ctx, &CurrentUser),
    (competition, head): (&Competition, &EventHead),
    members: &[&Fact],
    team: Option<(i64, i64)>,
) -> AppResult<()> {
    let (team_id, leader) = (team.map(|t| t.0), team.map(|t| t.1));
    let mut order: Vec<&&Fact> = members.iter().collect();
    order.sort_by_key(|(member, ..)| (Some(*member) != leader, *member));
    let actor = ctx.actor(user).name;
    for (member_id, _, organisation_id, employer, _) in order {
        let seq = q::next_seq(&mut *tx, head.id).await?;
        let number = contestant_number(head.position, seq);
        let new = NewContestant {
            competition_id: competition.id,
            event_id: head.id,
            member_id: *member_id,
            team_id,
            leader: Some(*member_id) == leader,
            organisation_id: *organisation_id,
            employer,
            registered_by: &actor,
        };
        let contestant = q::insert_contestant(&mut *tx, &new, (seq, &number)).await?;
        let after = serde_json::json!({ "event_id": head.id, "member_id": member_id,
            "number": number, "team_id": team_id, "leader": new.leader });
        let what = ("contestant", contestant, "create");
        let organisation = competition.organisation_id;
        audit(tx, (ctx, user), organisation, what, (None, Some(after))).await?;
    }
    Ok(())
}
