//! The page of a mark sheet: one line per contestant (per team in a team event), the judge's
//! input where they may mark, the values entered with who and when, and the lock.

use askama::Template;
use askama_web::WebTemplate;

use super::model::{FEWEST_JUDGES, LockProblem, Marking, derive, gap};
use super::queries::{SheetItem, SheetRow};
use super::routes::{Returned, Sheet};
use crate::competitions::queries::Competition;
use crate::contestants::judge_queries::Judge;
use crate::points::Mark;
use crate::web::Ctx;

/// One line of the sheet as the signed-in user sees it.
pub struct SheetLine {
    pub contestant_id: i64,
    pub number: String,
    pub name: String,
    pub team_name: Option<String>,
    /// The user judges the event and may mark this contestant.
    pub markable: bool,
    /// The user judges the event but must step aside for this contestant.
    pub conflict: bool,
    /// What the input holds: as typed when the sheet came back, else the user's value.
    pub value: String,
    pub problem: Option<&'static str>,
    /// Every value entered (a measurement's one, or each judge's score).
    pub scores: Vec<Mark>,
    /// Who entered the user's value (or the measurement) last, and when.
    pub entered: Option<(String, time::OffsetDateTime)>,
    pub derived: Option<Mark>,
    /// For a judgement: the judges' scores are further apart than the gap.
    pub too_wide: bool,
}

impl SheetLine {
    pub fn new(sheet: &Sheet, me: Option<&Judge>, row: &SheetRow, returned: &Returned) -> Self {
        let markable = me.is_some_and(|judge| sheet.may_mark(judge, row));
        let slot = me.map(|judge| sheet.slot(judge));
        let mine = row.entries.iter().find(|e| Some(e.slot) == slot);
        let shown = if sheet.item.marking.is_judgement() {
            mine
        } else {
            row.entries.first()
        };
        let scores: Vec<Mark> = row.entries.iter().map(|e| e.value).collect();
        let (derived, too_wide) = match sheet.item.marking {
            Marking::Measurement => (scores.first().copied(), false),
            Marking::Judgement {
                scale,
                trimmed,
                gap: widest,
            } => {
                let enough = scores.len() >= FEWEST_JUDGES;
                let derived = enough
                    .then(|| derive(&scores, scale, trimmed, sheet.item.max_mark))
                    .flatten();
                (derived, enough && gap(&scores) > widest)
            }
        };
        Self {
            contestant_id: row.contestant_id,
            number: row.number.clone(),
            name: row.name.clone(),
            team_name: row.team_name.clone(),
            markable,
            conflict: me.is_some() && !markable,
            value: returned
                .typed
                .get(&row.contestant_id)
                .cloned()
                .or_else(|| shown.filter(|_| markable).map(|e| e.value.to_string()))
                .unwrap_or_default(),
            problem: returned.problems.get(&row.contestant_id).copied(),
            scores,
            entered: shown.map(|e| (e.by.clone(), e.at)),
            derived,
            too_wide,
        }
    }

    pub fn scores_text(&self) -> String {
        let texts: Vec<String> = self.scores.iter().map(Mark::to_string).collect();
        texts.join(" / ")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "marks/show.html")]
pub struct SheetTemplate {
    pub ctx: Ctx,
    pub competition: Competition,
    pub item: SheetItem,
    pub lines: Vec<SheetLine>,
    pub returned: Returned,
    pub can_enter: bool,
    pub is_chief: bool,
    pub show_names: bool,
    /// Every judge's score beside each line (the chief judge and staff), not only one's own.
    pub show_scores: bool,
    pub judges: usize,
}

impl SheetTemplate {
    pub fn base(&self) -> String {
        format!(
            "/competitions/{}/items/{}",
            self.competition.id, self.item.id
        )
    }

    /// Lines whose mark stands (for a judgement, from judges within the gap).
    pub fn marked(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.derived.is_some() && !l.too_wide)
            .count()
    }

    pub fn is_judgement(&self) -> bool {
        self.item.marking.is_judgement()
    }

    pub fn scale(&self) -> String {
        match self.item.marking {
            Marking::Judgement { scale, .. } => scale.to_string(),
            Marking::Measurement => String::new(),
        }
    }

    pub fn gap(&self) -> String {
        match self.item.marking {
            Marking::Judgement { gap, .. } => gap.to_string(),
            Marking::Measurement => String::new(),
        }
    }

    pub fn rule_key(&self) -> &'static str {
        match self.item.marking {
            Marking::Judgement { trimmed: true, .. } => "competition.rule.trimmed_mean",
            _ => "competition.rule.mean",
        }
    }

    pub fn lock_problem_text(&self, problem: &LockProblem) -> String {
        self.ctx
            .tf(problem.key(), [("count", problem.count().to_string())])
    }
}
