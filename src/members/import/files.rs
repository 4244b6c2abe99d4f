//! Member files as union offices make them: CSV saved by Excel in GBK (GB18030) or UTF-8 with or
//! without a BOM, or .xlsx; dates typed in any office spelling or kept by Excel as serial numbers.

use crate::web::roster::{Columns, ROWS_BEFORE_HEADER};
pub use crate::web::roster::{FileProblem, RawRow};
use crate::web::sheet::{Limits, NUMBER_MANGLED, SheetProblem, Table};

use super::id_columns::{birth_date_problem, gender_problem, serial_as_date};
use crate::members::model::{MemberForm, ValidMember};
use crate::web::i18n::Locale;

/// The columns of the template, in order: (header, field).
pub const COLUMNS: [(&str, &str); 8] = [
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("手机号", "phone"),
    ("工作单位或平台", "employer"),
    ("职业", "occupation"),
    ("技能等级", "skill_level"),
    ("入会日期", "join_date"),
    ("所属组织编码", "organisation_code"),
];
/// Other headings union offices give the same columns (their own rosters, other systems' exports).
const ALIASES: [(&str, &str); 22] = [
    ("身份证号码", "id_number"),
    ("公民身份号码", "id_number"),
    ("证件号码", "id_number"),
    ("手机号码", "phone"),
    ("联系电话", "phone"),
    ("联系方式", "phone"),
    ("手机", "phone"),
    ("工作单位", "employer"),
    ("单位名称", "employer"),
    ("所在单位", "employer"),
    ("所在平台", "employer"),
    ("工种", "occupation"),
    ("从业类型", "occupation"),
    ("职业技能等级", "skill_level"),
    ("入会时间", "join_date"),
    ("所属组织", "organisation_code"),
    ("所属工会", "organisation_code"),
    ("工会名称", "organisation_code"),
    ("所属工会名称", "organisation_code"),
    ("组织编码", "organisation_code"),
    ("会员姓名", "name"),
    ("名字", "name"),
];
/// Columns rosters often carry that the ID number already holds: read, and held against it.
const FROM_ID_NUMBER: [(&str, &str); 5] = [
    ("性别", "gender"),
    ("出生日期", "birth_date"),
    ("出生年月", "birth_date"),
    ("出生年月日", "birth_date"),
    ("生日", "birth_date"),
];
const REQUIRED: [&str; 5] = ["name", "id_number", "phone", "occupation", "join_date"];

/// The template file offered for download: UTF-8 with a BOM (so Excel shows the Chinese), one example.
pub fn template_csv() -> String {
    let header: Vec<&str> = COLUMNS.iter().map(|(name, _)| *name).collect();
    format!(
        "\u{feff}{}\r\n王芳,210211199003010061,13904110001,美团外卖大连站,网约配送员,初级工,2026-11-24,\r\n",
        header.join(",")
    )
}

pub const MAX_ROWS: usize = 200_000;

/// A member file's columns: the template's, other headings of them, and those the ID number holds.
pub const MEMBER_COLUMNS: Columns = Columns {
    known: &[&COLUMNS, &ALIASES, &FROM_ID_NUMBER],
    required: &REQUIRED,
    max_rows: MAX_ROWS,
};

/// A roster is at most this wide: its columns and a margin for an office's own (序号, 备注 …).
const MAX_COLUMNS: usize = 64;

/// The limits of a member file (`web::sheet` reads it within them).
pub const LIMITS: Limits = Limits {
    rows: MAX_ROWS + ROWS_BEFORE_HEADER + 1,
    columns: MAX_COLUMNS,
    // 200,000 rows of a roster unpack to about 80 MB of sheet and shared-string XML.
    unpacked_bytes: 96 * 1024 * 1024,
    cells: ((MAX_ROWS + ROWS_BEFORE_HEADER + 1) * 16) as u64,
};

/// Reads a member file in this thread (tests, benchmarks; requests use `check::check_file`).
pub fn read(bytes: &[u8]) -> Result<Vec<RawRow>, FileProblem> {
    rows_of(crate::web::sheet::read_table(bytes, LIMITS))
}

/// Turns a table read by `web::sheet` into rows by field.
pub fn rows_of(table: Result<Table, SheetProblem>) -> Result<Vec<RawRow>, FileProblem> {
    MEMBER_COLUMNS.rows_of(table)
}

/// One problem in one row, for the preview.
#[derive(Debug, Clone)]
pub struct RowProblem {
    pub line: usize,
    pub field: &'static str,
    pub message: &'static str,
    pub value: String,
}

/// A row as a member, or its problems.
pub fn check_row(
    row: &RawRow,
    locale: Locale,
    channel: &str,
) -> Result<(ValidMember, String), Vec<RowProblem>> {
    let get = |field: &str| row.fields.get(field).cloned().unwrap_or_default();
    let id_number = get("id_number");
    let form = MemberForm {
        organisation_code: get("organisation_code"),
        name: get("name"),
        id_number: id_number.clone(),
        phone: get("phone"),
        employer: get("employer"),
        occupation: get("occupation"),
        skill_level: get("skill_level"),
        join_date: serial_as_date(get("join_date")),
        join_channel: channel.to_string(),
        ..MemberForm::default()
    };
    let (errors, valid) = form.validate(locale, true);
    let mut problems: Vec<RowProblem> = COLUMNS
        .iter()
        .filter(|(_, field)| errors.has(field))
        .map(|(_, field)| RowProblem {
            line: row.line,
            field,
            message: if *field == "id_number" && id_number.starts_with(NUMBER_MANGLED) {
                "import.error.id_as_number"
            } else {
                errors.key(field).unwrap_or("error.422.message")
            },
            value: get(field).trim_start_matches(NUMBER_MANGLED).to_string(),
        })
        .collect();
    let id = valid.as_ref().map(|valid| &valid.id_number);
    problems.extend(
        [
            gender_problem(&get("gender"), id),
            birth_date_problem(&get("birth_date"), id),
        ]
        .into_iter()
        .flatten()
        .map(|(field, message, value)| RowProblem {
            line: row.line,
            field,
            message,
            value,
        }),
    );
    match valid {
        Some(valid) if problems.is_empty() => {
            Ok((valid, form.organisation_code.trim().to_string()))
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::sheet::excel_serial_date;

    fn csv_of(lines: &[&str]) -> Vec<u8> {
        lines.join("\r\n").into_bytes()
    }

    #[test]
    fn a_gbk_csv_from_excel_is_read() {
        let text = "姓名,身份证号,手机号,职业,入会日期\r\n王芳,210211199003010061,13904110001,快递员,2026/11/3\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let rows = read(&gbk).expect("reads");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].fields["name"], "王芳");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn a_utf8_csv_with_bom_and_starred_headers_is_read() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(csv_of(&[
            "*姓名,*身份证号,*手机号,*职业,*入会日期",
            "李四,x,y,z,w",
        ]));
        assert_eq!(read(&bytes).expect("reads")[0].fields["name"], "李四");
    }

    #[test]
    fn a_title_above_the_header_and_padded_column_names_are_understood() {
        let bytes = csv_of(&[
            "红旗街道工会新就业形态劳动者入会名册,,,,",
            "填表日期：2026年11月20日,,,,",
            "序号,姓　名,身份证号,手 机 号,职业,入会日期",
            "1,王　芳,x,y,z,w",
        ]);
        let rows = read(&bytes).expect("reads");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 4, "lines are counted as the file shows them");
        assert_eq!(rows[0].fields["name"], "王　芳");
    }

    #[test]
    fn other_systems_headings_are_understood() {
        let bytes = csv_of(&[
            "会员姓名,身份证号码,联系电话,工作单位,工种,入会时间,所属工会",
            "李娜,x,y,顺丰,快递员,2026-11-01,大连顺达物流有限公司工会",
        ]);
        let rows = read(&bytes).expect("reads");
        assert_eq!(rows[0].fields["phone"], "y");
        assert_eq!(rows[0].fields["employer"], "顺丰");
        assert_eq!(
            rows[0].fields["organisation_code"],
            "大连顺达物流有限公司工会"
        );
    }

    #[test]
    fn numbers_wrapped_for_excel_are_unwrapped() {
        let bytes = csv_of(&[
            "姓名,身份证号,手机号,职业,入会日期",
            "王芳,\"=\"\"210211199003010061\"\"\",'13904110001,快递员,2026-11-01",
        ]);
        let rows = read(&bytes).expect("reads");
        assert_eq!(rows[0].fields["id_number"], "210211199003010061");
        assert_eq!(rows[0].fields["phone"], "13904110001");
    }

    #[test]
    fn a_missing_column_is_named() {
        let bytes = csv_of(&["姓名,手机号", "王芳,13904110001"]);
        assert_eq!(
            read(&bytes).unwrap_err(),
            FileProblem::MissingColumn("id_number")
        );
    }

    #[test]
    fn excel_serial_dates_become_dates() {
        assert_eq!(
            excel_serial_date(46350.0),
            Some(time::macros::date!(2026 - 11 - 24))
        );
    }
}
