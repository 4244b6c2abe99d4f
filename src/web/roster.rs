//! A table read by [`super::sheet`] as rows by field: the header is found by its column headings
//! (the template's, or the other names offices give the same column), under a title or a date or
//! two, and every data row keeps the line number the file shows. Member imports and registrations
//! from a file both read their uploads this way.

use std::collections::HashMap;

use super::sheet::{SheetProblem, Table};

/// The columns a file may have: (heading, field), the template's first and then other spellings;
/// and the fields whose column a header must have.
pub struct Columns {
    pub known: &'static [&'static [(&'static str, &'static str)]],
    pub required: &'static [&'static str],
    pub max_rows: usize,
}

/// One data row of a file, by field, with its line number in the file (the header is line 1).
#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: usize,
    pub fields: HashMap<&'static str, String>,
}

impl RawRow {
    /// The cell of `field`, empty when the file has no such column.
    pub fn get(&self, field: &str) -> &str {
        self.fields.get(field).map(String::as_str).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Unreadable,
    Empty,
    MissingColumn(&'static str),
    TooManyRows,
    /// Wider, or unpacking larger, than a roster can be (a hostile or broken file).
    TooLarge,
}

impl FileProblem {
    pub fn key(self) -> &'static str {
        match self {
            Self::Unreadable => "import.error.unreadable",
            Self::Empty => "import.error.empty",
            Self::MissingColumn(_) => "import.error.missing_column",
            Self::TooManyRows => "import.error.too_many_rows",
            Self::TooLarge => "import.error.too_large",
        }
    }
}

/// How many rows above the header a file may have (a title such as "红旗街道工会入会名册", a date).
pub const ROWS_BEFORE_HEADER: usize = 5;

impl Columns {
    /// The template's heading of `field`, for the message naming a missing column.
    pub fn heading(&self, field: &str) -> Option<&'static str> {
        self.known
            .iter()
            .flat_map(|names| names.iter())
            .find(|(_, f)| *f == field)
            .map(|(name, _)| *name)
    }

    /// Turns a table read by `web::sheet` into rows by field.
    pub fn rows_of(&self, table: Result<Table, SheetProblem>) -> Result<Vec<RawRow>, FileProblem> {
        let table = table.map_err(|problem| match problem {
            SheetProblem::Unreadable => FileProblem::Unreadable,
            SheetProblem::TooManyRows => FileProblem::TooManyRows,
            SheetProblem::TooWide | SheetProblem::TooLarge => FileProblem::TooLarge,
        })?;
        self.rows_from_table(table)
    }

    /// Where each known column stands in a header row.
    fn positions(&self, header: &[String]) -> HashMap<&'static str, usize> {
        header
            .iter()
            .enumerate()
            .filter_map(|(index, title)| {
                let title: String = title
                    .trim_start_matches('\u{feff}')
                    .chars()
                    .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊'))
                    .collect();
                self.known
                    .iter()
                    .flat_map(|names| names.iter())
                    .find(|(name, field)| title == *name || title.eq_ignore_ascii_case(field))
                    .map(|(_, field)| (*field, index))
            })
            .collect()
    }

    fn rows_from_table(&self, table: Table) -> Result<Vec<RawRow>, FileProblem> {
        let mut lines = table
            .into_iter()
            .enumerate()
            .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
        // The header is the first row naming every required column; if none does, the first row
        // is taken as the header and the first column it lacks is reported.
        let mut skipped = Vec::new();
        let mut positions = None;
        while skipped.len() <= ROWS_BEFORE_HEADER {
            let Some((index, cells)) = lines.next() else {
                break;
            };
            let found = self.positions(&cells);
            if self.required.iter().all(|field| found.contains_key(field)) {
                positions = Some(found);
                break;
            }
            skipped.push((index, cells));
        }
        let Some(positions) = positions else {
            let first = skipped.first().ok_or(FileProblem::Empty)?;
            let found = self.positions(&first.1);
            let missing = self
                .required
                .iter()
                .find(|field| !found.contains_key(*field))
                .expect("a header without every required column");
            return Err(FileProblem::MissingColumn(missing));
        };
        let rows: Vec<RawRow> = lines
            .map(|(index, cells)| RawRow {
                line: index + 1,
                fields: positions
                    .iter()
                    .map(|(field, &position)| {
                        (*field, cells.get(position).cloned().unwrap_or_default())
                    })
                    .collect(),
            })
            .collect();
        if rows.is_empty() {
            return Err(FileProblem::Empty);
        }
        if rows.len() > self.max_rows {
            return Err(FileProblem::TooManyRows);
        }
        Ok(rows)
    }
}
