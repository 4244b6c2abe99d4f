//! Reading the tables people upload (.xlsx, .xlsb, .ods, the older .xls, CSV and tab-separated
//! text) without letting a small hostile file take the server down. A spreadsheet is a zip or an
//! OLE container whose content can claim a sheet of 16,384 columns and a million rows in a few
//! bytes, or unpack to gigabytes; so, before anything is built:
//! - a zip is unpacked once into nothing, counting the bytes it really yields, and refused past
//!   [`Limits::unpacked_bytes`];
//! - .xlsx and .xlsb sheets are read cell by cell (never as a full grid) and refused at the first
//!   cell beyond the row or column limit;
//! - .ods and .xls, which the reader builds as a full grid, have their grid's size worked out from
//!   the file first (repeat counts in the ODS XML, cell records in the BIFF stream) and are refused
//!   when it would pass [`Limits::cells`];
//! - text files are read record by record with the same limits.
//!
//! Callers run [`read_table`] on a blocking thread (it takes seconds for a large roster) and at
//! most [`PARSING_AT_ONCE`] at a time, so the async threads keep answering.

use std::io::{Cursor, Read};

use calamine::{Data, Reader};
use quick_xml::events::Event;

/// Uploads parsed at the same time; the rest wait their turn (without holding a thread).
pub const PARSING_AT_ONCE: usize = 1;
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PARSING_AT_ONCE);

/// How large a table may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Data rows and a few title rows above the header.
    pub rows: usize,
    /// Columns with something in them.
    pub columns: usize,
    /// What a zip may unpack to, all its parts together.
    pub unpacked_bytes: u64,
    /// Cells of the grid a reader would build (rows × columns of the used area).
    pub cells: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetProblem {
    Unreadable,
    TooManyRows,
    TooWide,
    /// Unpacks (or would be laid out) far larger than a table of its rows can be.
    TooLarge,
}

/// A table as rows of cell texts, by position.
pub type Table = Vec<Vec<String>>;

/// Reads `bytes` off the async threads, waiting for a parsing slot first.
pub async fn read_table_blocking(
    bytes: Vec<u8>,
    limits: Limits,
) -> Result<Result<Table, SheetProblem>, tokio::task::JoinError> {
    let _slot = PARSING.acquire().await;
    tokio::task::spawn_blocking(move || read_table(&bytes, limits)).await
}

/// Reads the first sheet of a spreadsheet, or a text table; the bytes decide which, not the name.
pub fn read_table(bytes: &[u8], limits: Limits) -> Result<Table, SheetProblem> {
    if bytes.starts_with(b"PK\x03\x04") {
        check_unpacked_size(bytes, limits.unpacked_bytes)?;
        read_zipped(bytes, limits)
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        check_biff_grid(bytes, limits.cells)?;
        read_grid(bytes, limits)
    } else {
        read_text(bytes, limits)
    }
}

/// Unpacks every part of a zip into nothing, counting what it really yields (a header may lie).
fn check_unpacked_size(bytes: &[u8], limit: u64) -> Result<(), SheetProblem> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetProblem::Unreadable)?;
    if archive.len() > 10_000 {
        return Err(SheetProblem::TooLarge);
    }
    let mut total = 0u64;
    for index in 0..archive.len() {
        let entry = archive
            .by_index(index)
            .map_err(|_| SheetProblem::Unreadable)?;
        let left = limit.saturating_sub(total);
        let read = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|_| SheetProblem::Unreadable)?;
        total += read;
        if total > limit {
            return Err(SheetProblem::TooLarge);
        }
    }
    Ok(())
}

/// Reads a workbook's first sheet cell by cell into a table within `limits`.
macro_rules! stream_first_sheet {
    ($book:ident, $limits:expr) => {{
        let name = first_sheet(&$book.sheet_names())?;
        let mut cells = $book
            .worksheet_cells_reader(&name)
            .map_err(|_| SheetProblem::Unreadable)?;
        let mut table = SparseTable::new($limits);
        while let Some(cell) = cells.next_cell().map_err(|_| SheetProblem::Unreadable)? {
            let (row, column) = cell.get_position();
            table.put(row, column, &Data::from(cell.get_value().clone()))?;
        }
        Ok(table.into_rows())
    }};
}

fn read_zipped(bytes: &[u8], limits: Limits) -> Result<Table, SheetProblem> {
    // The ODS reader lays the whole sheet out as it opens the file: its size is checked first.
    if is_ods(bytes) {
        check_ods_grid(bytes, limits.cells)?;
        return read_grid(bytes, limits);
    }
    let sheets = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| SheetProblem::Unreadable)?;
    match sheets {
        // The two readers share no trait for their cell streams; the loop is the same.
        calamine::Sheets::Xlsx(mut book) => stream_first_sheet!(book, limits),
        calamine::Sheets::Xlsb(mut book) => stream_first_sheet!(book, limits),
        calamine::Sheets::Ods(_) | calamine::Sheets::Xls(_) => Err(SheetProblem::Unreadable),
    }
}

fn is_ods(bytes: &[u8]) -> bool {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(mimetype) = archive.by_name("mimetype") else {
        return false;
    };
    let mut kind = Vec::new();
    mimetype.take(100).read_to_end(&mut kind).is_ok()
        && kind.starts_with(b"application/vnd.oasis.opendocument.spreadsheet")
}

fn first_sheet(names: &[String]) -> Result<String, SheetProblem> {
    names.first().cloned().ok_or(SheetProblem::Unreadable)
}

/// Formats read as a whole grid (.ods, .xls), once their grid is known to be small enough.
fn read_grid(bytes: &[u8], limits: Limits) -> Result<Table, SheetProblem> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| SheetProblem::Unreadable)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(SheetProblem::Unreadable)?
        .map_err(|_| SheetProblem::Unreadable)?;
    let mut table = SparseTable::new(limits);
    let (top, left) = range.start().unwrap_or((0, 0));
    for (row, cells) in range.rows().enumerate() {
        for (column, cell) in cells.iter().enumerate() {
            table.put(top + row as u32, left + column as u32, cell)?;
        }
    }
    Ok(table.into_rows())
}

/// Cells with something in them, by position, within the limits; rows and columns in between
/// stay empty so line numbers match the file.
struct SparseTable {
    limits: Limits,
    rows: Table,
}

impl SparseTable {
    fn new(limits: Limits) -> Self {
        Self {
            limits,
            rows: Vec::new(),
        }
    }

    fn put(&mut self, row: u32, column: u32, cell: &Data) -> Result<(), SheetProblem> {
        let text = cell_text(cell);
        if text.is_empty() {
            return Ok(()); // formatting without content: no limit applies
        }
        let (row, column) = (row as usize, column as usize);
        if row >= self.limits.rows {
            return Err(SheetProblem::TooManyRows);
        }
        if column >= self.limits.columns {
            return Err(SheetProblem::TooWide);
        }
        if self.rows.len() <= row {
            self.rows.resize(row + 1, Vec::new());
        }
        let line = &mut self.rows[row];
        if line.len() <= column {
            line.resize(column + 1, String::new());
        }
        line[column] = text;
        Ok(())
    }

    fn into_rows(self) -> Table {
        self.rows
    }
}

/// The grid calamine would lay out for the first sheet of an ODS: its used rows (row repeats
/// counted) times its widest used row (column repeats counted).
fn check_ods_grid(bytes: &[u8], limit: u64) -> Result<(), SheetProblem> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetProblem::Unreadable)?;
    let content = archive
        .by_name("content.xml")
        .map_err(|_| SheetProblem::Unreadable)?;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let (mut buf, mut tables) = (Vec::new(), 0);
    let (mut row_at, mut used_rows, mut widest) = (0u64, 0u64, 0u64);
    let (mut row_repeats, mut column_at, mut row_width) = (1u64, 0u64, 0u64);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| SheetProblem::Unreadable)?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => match e.name().into_inner() {
                "table:table" => tables += 1,
                _ if tables > 1 => {}
                "table:table-row" => {
                    row_repeats = repeat(e, "table:number-rows-repeated")?;
                    (column_at, row_width) = (0, 0);
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let columns = repeat(e, "table:number-columns-repeated")?;
                    column_at = column_at.saturating_add(columns);
                    let has_value = e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.into_inner() == "office:value-type");
                    if has_value || matches!(event, Event::Start(_)) {
                        row_width = column_at;
                    }
                }
                _ => {}
            },
            Event::End(ref e) if e.name().into_inner() == "table:table-row" && tables == 1 => {
                row_at = row_at.saturating_add(row_repeats);
                if row_width > 0 {
                    used_rows = row_at;
                    widest = widest.max(row_width);
                }
                if used_rows.saturating_mul(widest) > limit {
                    return Err(SheetProblem::TooLarge);
                }
            }
            Event::End(ref e) if e.name().into_inner() == "table:table" && tables == 1 => break,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

fn repeat(element: &quick_xml::events::BytesStart<'_>, name: &str) -> Result<u64, SheetProblem> {
    match element
        .attributes()
        .flatten()
        .find(|a| a.key.into_inner() == name)
    {
        Some(attribute) => attribute
            .value
            .trim()
            .parse()
            .map_err(|_| SheetProblem::Unreadable),
        None => Ok(1),
    }
}

/// The grid an .xls would be laid out as: the bounding box of its cell records (BIFF8).
fn check_biff_grid(bytes: &[u8], limit: u64) -> Result<(), SheetProblem> {
    let mut file =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| SheetProblem::Unreadable)?;
    let mut stream = file
        .open_stream("/Workbook")
        .or_else(|_| file.open_stream("/Book"))
        .map_err(|_| SheetProblem::Unreadable)?;
    let mut workbook = Vec::new();
    stream
        .by_ref()
        .take(64 * 1024 * 1024)
        .read_to_end(&mut workbook)
        .map_err(|_| SheetProblem::Unreadable)?;
    let (mut rows, mut columns) = (0u64, 0u64);
    let mut at = 0;
    while at + 4 <= workbook.len() {
        let kind = u16::from_le_bytes([workbook[at], workbook[at + 1]]);
        let length = u16::from_le_bytes([workbook[at + 2], workbook[at + 3]]) as usize;
        let body = &workbook[at + 4..(at + 4 + length).min(workbook.len())];
        // Cell records start with the row and the column; MULRK and MULBLANK end with the last column.
        if matches!(
            kind,
            0x0006 | 0x00BD | 0x00BE | 0x00FD | 0x0201..=0x0205 | 0x027E
        ) && body.len() >= 4
        {
            let row = u64::from(u16::from_le_bytes([body[0], body[1]]));
            let mut column = u64::from(u16::from_le_bytes([body[2], body[3]]));
            if matches!(kind, 0x00BD | 0x00BE) && body.len() >= 6 {
                let end = body.len();
                column = column.max(u64::from(u16::from_le_bytes([
                    body[end - 2],
                    body[end - 1],
                ])));
            }
            rows = rows.max(row + 1);
            columns = columns.max(column + 1);
            if rows.saturating_mul(columns) > limit {
                return Err(SheetProblem::TooLarge);
            }
        }
        at += 4 + length;
    }
    Ok(())
}

/// The text of a CSV file: UTF-8 (with or without BOM) when it is valid UTF-8, else GB18030 (a
/// superset of the GBK that Excel on a Chinese Windows writes).
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_text(bytes: &[u8], limits: Limits) -> Result<Table, SheetProblem> {
    let text = decode(bytes);
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    // A record's field boundaries take memory before any limit can look at them: a line of a
    // million commas is refused from its bytes.
    let widest = text
        .lines()
        .map(|line| line.bytes().filter(|byte| *byte == delimiter).count())
        .max()
        .unwrap_or(0);
    if widest > limits.columns * 16 {
        return Err(SheetProblem::TooWide);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut table = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|_| SheetProblem::Unreadable)?
    {
        if table.len() >= limits.rows {
            return Err(SheetProblem::TooManyRows);
        }
        // Trailing empty fields (a row of commas) are no column.
        let used = (0..record.len())
            .rev()
            .find(|&index| !record[index].trim().is_empty())
            .map_or(0, |last| last + 1);
        if used > limits.columns {
            return Err(SheetProblem::TooWide);
        }
        table.push(record.iter().take(used).map(unwrap_text_field).collect());
    }
    Ok(table)
}

/// A CSV field as typed: systems that export ID numbers for Excel wrap them as `="2102…"` or put
/// an apostrophe or a tab before them, so that Excel keeps the digits; that wrapping is not data.
fn unwrap_text_field(field: &str) -> String {
    let field = field.trim();
    let field = field
        .strip_prefix("=\"")
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(field);
    field.trim_start_matches(['\'', '\t']).trim().to_string()
}

/// A cell as text. Dates become YYYY-MM-DD; whole numbers lose Excel's ".0"; a number too long to
/// be exact (an ID number typed into a number cell) is marked so the row is refused, not mangled.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            text.trim().to_string()
        }
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.abs() >= 1e15 => format!("{NUMBER_MANGLED}{f}"),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::DateTime(date) => excel_serial_date(date.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_default(),
        Data::Bool(b) => b.to_string(),
        Data::Error(_) => String::new(),
    }
}

/// Put before a number that Excel stored with lost digits.
pub const NUMBER_MANGLED: &str = "#number:";

/// Excel's day count (1900 system): day 25569 is 1970-01-01.
pub fn excel_serial_date(serial: f64) -> Option<time::Date> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    epoch.checked_add(time::Duration::days(serial.floor() as i64))
}
