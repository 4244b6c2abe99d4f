//! The workers a campaign reached, from an office's list (GBK CSV, .xlsx … read as the member
//! import reads its rosters): each line a member of the campaign's subtree found by member number
//! or ID number, or someone who is not a member with name, ID number and phone. A worker already
//! on the campaign, or named twice in the file, is refused with the first entry's date or line;
//! every other problem is named by line.

use std::collections::HashMap;

use time::Date;

use super::model::{SignOff, Way};
use super::queries::NewRecipient;
use crate::error::{AppError, AppResult};
use crate::members::identity::{IdNumber, Phone};
use crate::members::import::id_columns::serial_as_date;
use crate::members::queries::Keyed;
use crate::members::worker::{SealedWorker, same_name};
use crate::pii::Pii;
use crate::web::Ctx;
use crate::web::dates::parse_date;
use crate::web::roster::{Columns, FileProblem, ROWS_BEFORE_HEADER};
use crate::web::sheet::{self, Limits, NUMBER_MANGLED};

const COLUMNS: [(&str, &str); 7] = [
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("会员号", "member_no"),
    ("手机号", "phone"),
    ("发放日期", "given_on"),
    ("发放内容", "given"),
    ("价值", "value"),
];
/// Other headings offices give the same columns.
const ALIASES: [(&str, &str); 15] = [
    ("职工姓名", "name"),
    ("会员姓名", "name"),
    ("身份证号码", "id_number"),
    ("公民身份号码", "id_number"),
    ("证件号码", "id_number"),
    ("会员编号", "member_no"),
    ("会员证号", "member_no"),
    ("手机号码", "phone"),
    ("联系电话", "phone"),
    ("领取日期", "given_on"),
    ("日期", "given_on"),
    ("发放物品", "given"),
    ("物品", "given"),
    ("金额", "value"),
    ("价值(元)", "value"),
];

/// Lines of one file: a campaign of the whole city's riders fits.
pub const MAX_LINES: usize = 200_000;

pub const RECIPIENT_COLUMNS: Columns = Columns {
    known: &[&COLUMNS, &ALIASES],
    required: &["name"],
    max_rows: MAX_LINES,
};

const LIMITS: Limits = Limits {
    rows: MAX_LINES + ROWS_BEFORE_HEADER + 1,
    columns: 64,
    unpacked_bytes: 96 * 1024 * 1024,
    cells: ((MAX_LINES + ROWS_BEFORE_HEADER + 1) * 16) as u64,
};

/// A line that is not added, and why (in the user's language).
#[derive(Debug, Clone)]
pub struct Refusal {
    pub line: usize,
    pub name: String,
    pub problem: String,
}

/// What a file holds once checked: the workers to add, the lines naming a worker already
/// reached (on the campaign, or earlier in the file), and the lines with a problem.
#[derive(Debug, Default)]
pub struct Checked {
    pub lines: usize,
    pub to_add: Vec<NewRecipient>,
    pub already: Vec<Refusal>,
    pub problems: Vec<Refusal>,
}

/// A line as read, before the members and the campaign are asked.
struct Typed {
    line: usize,
    name: String,
    id_number: Option<IdNumber>,
    member_no: String,
    phone: Option<Phone>,
    sign_off: SignOff,
    problems: Vec<String>,
}

/// Reads an upload (off the async threads) into rows by field, or what is wrong with the file.
pub async fn read(
    bytes: Vec<u8>,
) -> AppResult<Result<Vec<crate::web::roster::RawRow>, FileProblem>> {
    let table = sheet::read_table_blocking(bytes, LIMITS)
        .await
        .map_err(AppError::internal)?;
    Ok(RECIPIENT_COLUMNS.rows_of(table))
}

/// Checks every row: its own cells, then (with `members` and `reached`, looked up for all rows at
/// once by the route) who it names. `defaults` is the sign-off typed on the form, which a row's
/// own date, contents or value override; `campaign` the campaign's first and last day.
pub struct Check<'a> {
    pub ctx: &'a Ctx,
    pub pii: &'a Pii,
    pub defaults: &'a SignOff,
    pub campaign: (Date, Date),
    pub today: Date,
}

impl Check<'_> {
    fn typed(&self, row: &crate::web::roster::RawRow) -> Typed {
        let t = |key: &'static str| self.ctx.t(key).to_string();
        let mut problems = Vec::new();
        let name = crate::members::model::clean_name(row.get("name"));
        if name.is_empty() {
            problems.push(t("care.file.error.name"));
        }
        let typed_id = row.get("id_number").trim();
        let id_number = if typed_id.starts_with(NUMBER_MANGLED) {
            problems.push(t("import.error.id_as_number"));
            None
        } else if typed_id.is_empty() {
            None
        } else {
            IdNumber::parse(typed_id)
                .map_err(|e| problems.push(t(e.key())))
                .ok()
        };
        let member_no = row.get("member_no").trim().to_uppercase();
        if id_number.is_none() && member_no.is_empty() && problems.is_empty() {
            problems.push(t("care.file.error.no_key"));
        }
        let typed_phone = row.get("phone").trim();
        let phone = Phone::parse(typed_phone);
        let mut sign_off = self.defaults.clone();
        let day = row.get("given_on").trim();
        if !day.is_empty() {
            let day = serial_as_date(day.to_string());
            match parse_date(&day) {
                Some(day) if day > self.today => problems.push(t("care.error.given_in_future")),
                Some(day) if day < self.campaign.0 || day > self.campaign.1 => {
                    problems.push(t("care.error.given_outside"))
                }
                Some(day) => sign_off.given_on = day,
                None => problems.push(t("care.error.given_on")),
            }
        }
        let given = crate::web::input::clean_text(row.get("given"));
        if given.chars().count() > 500 {
            problems.push(t("application.error.long"));
        } else if !given.trim().is_empty() {
            sign_off.given = given.trim().to_string();
        }
        let value = row.get("value").trim();
        if !value.is_empty() {
            match crate::money::Money::parse(value) {
                Ok(value) => sign_off.value = value,
                Err(key) => problems.push(t(key)),
            }
        }
        Typed {
            line: row.line,
            name,
            id_number,
            member_no,
            phone: (!typed_phone.is_empty()).then_some(phone).flatten(),
            sign_off,
            problems,
        }
    }
}

/// The keys to look members up by: every ID number's blind index and every member number.
pub struct Keys {
    pub indexes: Vec<Vec<u8>>,
    pub numbers: Vec<String>,
    typed: Vec<Typed>,
}

/// Reads each row's cells and gathers the keys to look up.
pub fn keys(check: &Check<'_>, rows: &[crate::web::roster::RawRow]) -> Keys {
    let typed: Vec<Typed> = rows.iter().map(|row| check.typed(row)).collect();
    let indexes = typed
        .iter()
        .filter_map(|t| t.id_number.as_ref())
        .map(|id| check.pii.index(id.as_str()))
        .collect();
    let numbers = typed
        .iter()
        .filter(|t| !t.member_no.is_empty())
        .map(|t| t.member_no.clone())
        .collect();
    Keys {
        indexes,
        numbers,
        typed,
    }
}

/// Decides each line with the members found (in the campaign's subtree) and the entries already
/// on the campaign (person index → day given).
pub fn decide(
    check: &Check<'_>,
    keys: Keys,
    members: &[Keyed],
    reached: &HashMap<Vec<u8>, Date>,
) -> Checked {
    let t = |key: &'static str| check.ctx.t(key).to_string();
    let by_index: HashMap<Vec<u8>, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id_number_index.clone(), i))
        .collect();
    let by_number: HashMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.member_no.as_str(), i))
        .collect();
    let mut checked = Checked {
        lines: keys.typed.len(),
        ..Checked::default()
    };
    let mut first_line: HashMap<Vec<u8>, usize> = HashMap::new();
    for mut typed in keys.typed {
        let index = typed
            .id_number
            .as_ref()
            .map(|id| check.pii.index(id.as_str()));
        let by_id = index.as_ref().and_then(|i| by_index.get(i)).copied();
        let by_no = by_number.get(typed.member_no.as_str()).copied();
        let worker = match (by_id, by_no) {
            (Some(a), Some(b)) if a != b => {
                typed.problems.push(t("contestant.file.error.keys_differ"));
                None
            }
            (Some(m), _) | (None, Some(m)) => {
                let member = &members[m];
                if !same_name(&typed.name, &member.name) {
                    let args = [("name", member.name.clone())];
                    let problem = check.ctx.tf("contestant.file.error.name_differs", args);
                    typed.problems.push(problem);
                }
                Some((SealedWorker::member(member.clone()), Way::File))
            }
            (None, None) if !typed.member_no.is_empty() => {
                typed.problems.push(t("care.file.error.member_unknown"));
                None
            }
            (None, None) => match (&typed.id_number, &typed.phone) {
                (Some(id), Some(phone)) if typed.problems.is_empty() => {
                    let name = typed.name.clone();
                    let worker = SealedWorker::outsider(check.pii, name, id, phone);
                    Some((worker, Way::Outsider))
                }
                (Some(_), None) => {
                    typed.problems.push(t("care.file.error.outsider_phone"));
                    None
                }
                _ => None,
            },
        };
        let refusal = |problem: String| Refusal {
            line: typed.line,
            name: typed.name.clone(),
            problem,
        };
        let (worker, way) = match worker {
            Some(found) if typed.problems.is_empty() => found,
            _ => {
                let problem = typed.problems.join("；");
                checked.problems.push(refusal(problem));
                continue;
            }
        };
        if let Some(day) = reached.get(&worker.person_index) {
            let args = [("date", day.to_string())];
            let problem = check.ctx.tf("care.error.already_reached", args);
            checked.already.push(refusal(problem));
            continue;
        }
        if let Some(first) = first_line.get(&worker.person_index) {
            let args = [("line", first.to_string())];
            let problem = check.ctx.tf("care.file.error.twice", args);
            checked.already.push(refusal(problem));
            continue;
        }
        first_line.insert(worker.person_index.clone(), typed.line);
        checked.to_add.push(NewRecipient {
            worker,
            given_on: typed.sign_off.given_on,
            given: typed.sign_off.given,
            value: typed.sign_off.value,
            way,
        });
    }
    checked
}
