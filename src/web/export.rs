//! Lists as downloads, the same way everywhere: a [`Table`] becomes CSV (UTF-8 with a BOM, so Excel
//! on a Chinese Windows opens it right; cells defused against formulas) or .xlsx (a sheet named
//! after the list, a frozen header with filters, widths that fit, numbers and dates as such). The
//! file is built on a blocking thread, never on the async threads that answer other requests, and
//! named in the user's language.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, AppResult};

/// One cell of an exported table.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Integer(i64),
    /// Money in fen, written as yuan with two decimals.
    Yuan(i64),
    Date(time::Date),
    Empty,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Self::Text(text.to_string())
    }
}

/// A list ready to export: its name (the sheet's and the file's), its headings and its rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub headings: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: impl Into<String>, headings: Vec<String>) -> Self {
        Self {
            name: name.into(),
            headings,
            rows: Vec::new(),
        }
    }

    /// The table as CSV, UTF-8 with a BOM and CRLF line ends.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from("\u{feff}");
        let mut line = |cells: Vec<String>| {
            let fields: Vec<String> = cells.iter().map(|cell| csv_field(cell)).collect();
            csv.push_str(&fields.join(","));
            csv.push_str("\r\n");
        };
        line(self.headings.clone());
        for row in &self.rows {
            line(row.iter().map(cell_text).collect());
        }
        csv
    }

    /// The table as an .xlsx workbook of one sheet, written row by row in constant memory.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        workbook(std::slice::from_ref(self))
    }

    /// Adds the table to `workbook` as a sheet of its own.
    fn write_sheet(
        &self,
        workbook: &mut rust_xlsxwriter::Workbook,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::Format;
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(sheet_name(&self.name))?;
        let bold = Format::new().set_bold();
        let yuan = Format::new().set_num_format("¥#,##0.00");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let columns = u16::try_from(self.headings.len()).unwrap_or(u16::MAX);
        // In constant-memory mode the widths come first, then the rows in order.
        for (column, heading) in (0..columns).zip(&self.headings) {
            let width = self
                .rows
                .iter()
                .take(500)
                .map(|row| {
                    row.get(column as usize)
                        .map_or(0, |cell| display_width(&cell_text(cell)))
                })
                .chain([display_width(heading)])
                .max()
                .unwrap_or(8);
            sheet.set_column_width(column, (width as f64 + 2.0).clamp(6.0, 60.0))?;
        }
        for (column, heading) in (0..columns).zip(&self.headings) {
            sheet.write_string_with_format(0, column, heading, &bold)?;
        }
        for (index, row) in self.rows.iter().enumerate() {
            let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
            for (column, cell) in (0..columns).zip(row) {
                match cell {
                    // Text stays text: Excel must not turn an ID number into 2.10211E+17.
                    Cell::Text(text) => sheet.write_string(line, column, text)?,
                    Cell::Integer(number) => sheet.write_number(line, column, *number as f64)?,
                    Cell::Yuan(fen) => {
                        sheet.write_number_with_format(line, column, *fen as f64 / 100.0, &yuan)?
                    }
                    Cell::Date(day) => {
                        let excel = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            u16::try_from(day.year()).unwrap_or(1900),
                            u8::from(day.month()),
                            day.day(),
                        )?;
                        sheet.write_datetime_with_format(line, column, &excel, &date)?
                    }
                    Cell::Empty => sheet,
                };
            }
        }
        let last_row = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
        sheet.set_freeze_panes(1, 0)?;
        if columns > 0 {
            sheet.autofilter(0, 0, last_row, columns - 1)?;
        }
        Ok(())
    }
}

/// Several tables as one .xlsx workbook, a sheet each (a dashboard's tables).
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for table in tables {
        table.write_sheet(&mut workbook)?;
    }
    workbook.save_to_buffer()
}

/// Several tables as an .xlsx download named `file_name`, built off the async threads.
pub async fn xlsx_workbook(file_name: String, tables: Vec<Table>) -> AppResult<Response> {
    let body = tokio::task::spawn_blocking(move || workbook(&tables))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name,
        body,
    ))
}

/// The export as a CSV download named `<table name>.csv`, built off the async threads.
pub async fn csv(table: Table) -> AppResult<Response> {
    let file_name = format!("{}.csv", table.name);
    let body = tokio::task::spawn_blocking(move || table.to_csv())
        .await
        .map_err(AppError::internal)?;
    Ok(download(
        "text/csv; charset=utf-8",
        &file_name,
        body.into_bytes(),
    ))
}

/// The export as an .xlsx download named `<table name>.xlsx`, built off the async threads.
pub async fn xlsx(table: Table) -> AppResult<Response> {
    let file_name = format!("{}.xlsx", table.name);
    let body = tokio::task::spawn_blocking(move || table.to_xlsx())
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name,
        body,
    ))
}

pub fn download(content_type: &'static str, file_name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, super::attachment(file_name)),
        ],
        body,
    )
        .into_response()
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Integer(number) => number.to_string(),
        Cell::Yuan(fen) => format!("{}.{:02}", fen / 100, (fen % 100).abs()),
        Cell::Date(day) => day.to_string(),
        Cell::Empty => String::new(),
    }
}

/// Columns wide enough for Chinese text, which takes two widths a character.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if cleaned.is_empty() {
        "Sheet1".into()
    } else {
        cleaned
    }
}

/// Quotes a CSV field, and defuses text that a spreadsheet would run as a formula.
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    format!("\"{}\"", value.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("王芳"), "\"王芳\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK()"), "\"'=HYPERLINK()\"");
    }

    #[test]
    fn a_table_becomes_csv_with_a_bom_and_an_xlsx_workbook() {
        let mut table = Table::new("会员名单", vec!["姓名".into(), "金额".into()]);
        table.rows.push(vec!["王芳".into(), Cell::Yuan(123_456)]);
        let csv = table.to_csv();
        assert!(csv.starts_with("\u{feff}\"姓名\",\"金额\"\r\n"));
        assert!(csv.contains("\"1234.56\""));
        let xlsx = table.to_xlsx().expect("builds");
        assert_eq!(&xlsx[..2], b"PK", "an .xlsx is a zip file");
    }

    #[test]
    fn sheet_names_are_made_acceptable_to_excel() {
        assert_eq!(sheet_name("2025/二类"), "2025二类");
        assert_eq!(sheet_name(""), "Sheet1");
    }
}
