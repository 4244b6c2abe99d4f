//! Registration from a file (an office's list of contestants: GBK CSV, .xlsx …, read as the
//! member import reads its rosters): every line matched to a member of the user's subtree by ID
//! number or member number, held against its name, the event's rules, the file's other lines and,
//! for a team event, its team; every problem named by line. The preview and the confirmation run
//! the same checks, the confirmation under the competition's lock, and register all or nobody.

use std::collections::{HashMap, HashSet};

use super::model::{Ineligible, check_team_name};
use super::queries::{self as q, EventHead};
use super::registration::Fact;
use crate::competitions::queries::Competition;
use crate::error::{AppError, AppResult};
use crate::members::identity::IdNumber;
use crate::members::worker::same_name;
use crate::state::AppState;
use crate::web::Ctx;
use crate::web::roster::{Columns, FileProblem, ROWS_BEFORE_HEADER};
use crate::web::sheet::{self, Limits, NUMBER_MANGLED};

const COLUMNS: [(&str, &str); 5] = [
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("会员号", "member_no"),
    ("队名", "team"),
    ("队长", "leader"),
];
/// Other headings offices give the same columns.
const ALIASES: [(&str, &str); 12] = [
    ("选手姓名", "name"),
    ("会员姓名", "name"),
    ("身份证号码", "id_number"),
    ("公民身份号码", "id_number"),
    ("证件号码", "id_number"),
    ("会员编号", "member_no"),
    ("会员证号", "member_no"),
    ("队伍名称", "team"),
    ("团队名称", "team"),
    ("参赛队", "team"),
    ("是否队长", "leader"),
    ("队长标记", "leader"),
];

/// Lines of one file: far more than the largest event (400+ contestants) needs.
pub const MAX_LINES: usize = 2_000;

pub const REGISTRATION_COLUMNS: Columns = Columns {
    known: &[&COLUMNS, &ALIASES],
    required: &["name"],
    max_rows: MAX_LINES,
};

const LIMITS: Limits = Limits {
    rows: MAX_LINES + ROWS_BEFORE_HEADER + 1,
    columns: 64,
    unpacked_bytes: 16 * 1024 * 1024,
    cells: ((MAX_LINES + ROWS_BEFORE_HEADER + 1) * 16) as u64,
};

/// One line of the file: as typed, the member it names, and its problems (in the user's language).
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub line: usize,
    pub name: String,
    /// The member number or the masked ID number the line gave.
    pub key: String,
    pub member_id: Option<i64>,
    pub team: String,
    pub leader: bool,
    pub problems: Vec<String>,
}

impl Line {
    /// The line as the confirmation form carries it: line, member, leader, key (shown again if
    /// the confirmation is refused), team.
    pub fn carried(&self) -> String {
        let member = self.member_id.unwrap_or_default();
        let key = self.key.replace('|', "");
        format!(
            "{}|{member}|{}|{key}|{}",
            self.line,
            u8::from(self.leader),
            self.team
        )
    }

    /// A line of the confirmation form; `None` when it was altered into nonsense.
    pub fn from_carried(text: &str) -> Option<Self> {
        let mut parts = text.splitn(5, '|');
        let line = parts.next()?.parse().ok()?;
        let member_id = Some(parts.next()?.parse().ok()?);
        let leader = parts.next()? == "1";
        let key = parts.next()?.to_string();
        let team = parts.next()?.to_string();
        Some(Self {
            line,
            member_id,
            leader,
            key,
            team,
            ..Self::default()
        })
    }
}

/// Reads an upload and matches its lines to members of the user's subtree.
pub async fn read(
    state: &AppState,
    ctx: &Ctx,
    scope_path: &str,
    bytes: Vec<u8>,
) -> AppResult<Result<Vec<Line>, FileProblem>> {
    let table = sheet::read_table_blocking(bytes, LIMITS)
        .await
        .map_err(AppError::internal)?;
    let rows = match REGISTRATION_COLUMNS.rows_of(table) {
        Ok(rows) => rows,
        Err(problem) => return Ok(Err(problem)),
    };
    let (mut indexes, mut numbers) = (Vec::new(), Vec::new());
    let mut lines = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut line = Line {
            line: row.line,
            name: crate::web::input::clean_text(row.get("name")),
            team: crate::web::input::clean_text(row.get("team")),
            ..Line::default()
        };
        if line.name.is_empty() {
            line.problems
                .push(ctx.t("contestant.file.error.name").into());
        }
        match leader_mark(row.get("leader")) {
            Some(leader) => line.leader = leader,
            None => line
                .problems
                .push(ctx.t("contestant.file.error.leader").into()),
        }
        let typed_id = row.get("id_number").trim();
        let typed_no = row.get("member_no").trim().to_uppercase();
        let index = if typed_id.starts_with(NUMBER_MANGLED) {
            line.problems
                .push(ctx.t("import.error.id_as_number").into());
            None
        } else if typed_id.is_empty() {
            None
        } else {
            match IdNumber::parse(typed_id) {
                Ok(id) => {
                    line.key = id.masked();
                    Some(state.pii.index(id.as_str()))
                }
                Err(error) => {
                    line.problems.push(ctx.t(error.key()).into());
                    None
                }
            }
        };
        if typed_id.is_empty() && typed_no.is_empty() {
            line.problems
                .push(ctx.t("contestant.file.error.no_key").into());
        }
        if !typed_no.is_empty() {
            line.key = typed_no.clone();
            numbers.push(typed_no.clone());
        }
        indexes.extend(index.clone());
        lines.push((line, index, typed_no));
    }
    let found =
        crate::members::queries::members_by_keys(&state.db, scope_path, &indexes, &numbers).await?;
    let by_index: HashMap<&[u8], &crate::members::queries::Keyed> = found
        .iter()
        .map(|m| (m.id_number_index.as_slice(), m))
        .collect();
    let by_number: HashMap<&str, &crate::members::queries::Keyed> =
        found.iter().map(|m| (m.member_no.as_str(), m)).collect();
    Ok(Ok(lines
        .into_iter()
        .map(|(mut line, index, number)| {
            let by_id = index.as_deref().and_then(|i| by_index.get(i).copied());
            let by_no = by_number.get(number.as_str()).copied();
            let typed_key = index.is_some() || !number.is_empty();
            let member = match (by_id, by_no) {
                (Some(a), Some(b)) if a.id != b.id => {
                    line.problems
                        .push(ctx.t("contestant.file.error.keys_differ").into());
                    None
                }
                (Some(m), _) | (None, Some(m)) => Some(m),
                (None, None) => {
                    if typed_key && line.problems.is_empty() {
                        line.problems
                            .push(ctx.t("contestant.file.error.not_found").into());
                    }
                    None
                }
            };
            if let Some(member) = member {
                line.member_id = Some(member.id);
                if !line.name.is_empty() && !same_name(&line.name, &member.name) {
                    let problem = ctx.tf(
                        "contestant.file.error.name_differs",
                        [("name", member.name.clone())],
                    );
                    line.problems.push(problem);
                }
            }
            line
        })
        .collect()))
}

/// A leader mark as offices write it; `None` when it is no mark at all.
fn leader_mark(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "" | "否" | "队员" | "n" | "no" | "0" | "×" | "false" => Some(false),
        "是" | "队长" | "y" | "yes" | "1" | "√" | "✓" | "✔" | "true" => Some(true),
        _ => None,
    }
}

/// The groups to register: members alone, or a team's name, its leader and its members.
pub struct Group {
    pub team: Option<(String, i64)>,
    pub members: Vec<i64>,
}

/// Checks the matched lines against the event and one another, adding every problem to its line;
/// the groups to register when no line has one. `db` is the transaction of the confirmation.
pub async fn check(
    db: &mut sqlx::PgConnection,
    ctx: &Ctx,
    (competition, head, scope_path): (&Competition, &EventHead, &str),
    lines: &mut [Line],
) -> AppResult<(Vec<Group>, Vec<Fact>)> {
    let ids: Vec<i64> = lines.iter().filter_map(|l| l.member_id).collect();
    let facts = q::candidates(&mut *db, competition.id, &ids, scope_path).await?;
    let mut first_line: HashMap<i64, usize> = HashMap::new();
    for line in lines.iter_mut() {
        let Some(member) = line.member_id else {
            continue;
        };
        let Some(fact) = facts.iter().find(|f| f.0 == member) else {
            line.problems
                .push(ctx.t("contestant.file.error.not_found").into());
            continue;
        };
        if let Some(first) = first_line.get(&member) {
            let first = first.to_string();
            let problem = ctx.tf("contestant.file.error.twice", [("line", first)]);
            line.problems.push(problem);
            continue;
        }
        first_line.insert(member, line.line);
        let refusal: Option<Ineligible> =
            head.rules.refusal(&fact.4, head.id, competition.starts_on);
        if let Some(refusal) = refusal {
            line.problems
                .push(ctx.tf(refusal.key(), [("detail", refusal.detail())]));
        }
    }
    let groups = if head.is_team() {
        teams(db, ctx, head, lines).await?
    } else {
        let members = lines.iter().filter_map(|l| l.member_id);
        members
            .map(|member| Group {
                team: None,
                members: vec![member],
            })
            .collect()
    };
    Ok((groups, facts))
}

/// Lines grouped into teams by name, in the order they first appear: each of the event's size,
/// with one leader (the first line when none is marked) and a name no team of the event has.
async fn teams(
    db: &mut sqlx::PgConnection,
    ctx: &Ctx,
    head: &EventHead,
    lines: &mut [Line],
) -> AppResult<Vec<Group>> {
    let taken: HashSet<String> = q::team_names(&mut *db, head.id)
        .await?
        .into_iter()
        .collect();
    let mut order: Vec<String> = Vec::new();
    for line in lines.iter_mut() {
        match check_team_name(&line.team) {
            Err(key) => line.problems.push(ctx.t(key).into()),
            Ok(_) if taken.contains(&line.team) => {
                let key = "contestant.error.team_name_taken";
                line.problems.push(ctx.t(key).into());
            }
            Ok(name) if !order.contains(&name) => order.push(name),
            Ok(_) => {}
        }
    }
    let size = head.team_size as usize;
    let mut groups = Vec::new();
    for name in order {
        let members: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].team == name)
            .collect();
        if members.len() != size {
            let args = [
                ("count", members.len().to_string()),
                ("size", size.to_string()),
            ];
            let problem = ctx.tf("contestant.file.error.team_size", args);
            for &i in &members {
                lines[i].problems.push(problem.clone());
            }
        }
        let leaders: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| lines[i].leader)
            .collect();
        for &i in leaders.iter().skip(1) {
            let problem = ctx.t("contestant.file.error.two_leaders");
            lines[i].problems.push(problem.into());
        }
        let leader = leaders.first().or(members.first()).copied();
        if let Some(i) = leader {
            lines[i].leader = true;
        }
        let ids: Vec<i64> = members.iter().filter_map(|&i| lines[i].member_id).collect();
        if let Some(leader) = leader.and_then(|i| lines[i].member_id) {
            groups.push(Group {
                team: Some((name, leader)),
                members: ids,
            });
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leader_marks_are_read_as_offices_write_them() {
        assert_eq!(leader_mark(" 是 "), Some(true));
        assert_eq!(leader_mark("√"), Some(true));
        assert_eq!(leader_mark("Y"), Some(true));
        assert_eq!(leader_mark(""), Some(false));
        assert_eq!(leader_mark("队员"), Some(false));
        assert_eq!(leader_mark("也许"), None);
    }

    #[test]
    fn a_padded_name_is_the_same_name() {
        assert!(same_name("王　芳", "王芳"));
        assert!(!same_name("王方", "王芳"));
    }

    #[test]
    fn a_line_survives_the_confirmation_form_even_with_a_bar_in_its_team_name() {
        let line = Line {
            line: 7,
            member_id: Some(42),
            leader: true,
            key: "M2025000042".into(),
            team: "飞鹰|二队".into(),
            ..Line::default()
        };
        let back = Line::from_carried(&line.carried()).unwrap();
        assert_eq!(
            (back.line, back.member_id, back.leader),
            (7, Some(42), true)
        );
        assert_eq!(
            (back.key.as_str(), back.team.as_str()),
            ("M2025000042", "飞鹰|二队")
        );
        assert!(Line::from_carried("7|x|1|k|t").is_none());
        assert!(Line::from_carried("7|42|1").is_none());
    }
}
