//! Demo results: the building-materials final gives first, second and third prizes to 10%, 20%
//! and 30% of its 44 teams, with a pass line at 60, and publishes them; then recommends winners.

use sqlx::PgConnection;

use super::model::AwardRule;
use crate::access::Actor;
use crate::competitions::model::Status;
use crate::points::Mark;

pub async fn seed(
    tx: &mut PgConnection,
    (competition, organisation): (i64, i64),
    event: i64,
) -> Result<(), crate::BoxError> {
    let rule = AwardRule {
        mode: "share".into(),
        values: [1000, 2000, 3000, 0],
        pass_mark: Some(Mark::from_hundredths(6000)),
    };
    super::queries::save_award_rule(&mut *tx, event, &rule).await?;
    crate::competitions::demo::advance_from(
        tx,
        &Actor::system("seed"),
        (competition, organisation),
        Status::MarkingFinished,
        Status::ResultsPublished,
    )
    .await?;
    crate::honours::demo::seed(tx, (competition, organisation)).await
}
