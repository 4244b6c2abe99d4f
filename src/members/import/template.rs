//! The roster template offered for download: an .xlsx whose occupation and skill columns are
//! drop-down lists and whose ID and phone columns are text (so Excel keeps all 18 digits), or the
//! same columns as CSV for those who prefer it.

use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

use super::files::COLUMNS;
use crate::members::model::{OCCUPATIONS, SKILL_LEVELS};
use crate::web::i18n::Locale;

/// Rows of the template the drop-downs and text formats cover.
const TEMPLATE_ROWS: u32 = 5_000;

pub fn template_xlsx() -> Result<Vec<u8>, XlsxError> {
    // The import reads the Chinese names whatever the user's language: the template is in them.
    let zh = Locale::ZhCn;
    let occupations: Vec<String> = OCCUPATIONS
        .iter()
        .map(|code| zh.t_dyn(&format!("member.occupation.{code}")))
        .collect();
    let skills: Vec<String> = SKILL_LEVELS
        .iter()
        .map(|code| zh.t_dyn(&format!("member.skill.{code}")))
        .collect();

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("会员名单")?;
    let heading = Format::new().set_bold().set_background_color("#F2F2F2");
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (column, (title, field)) in COLUMNS.iter().enumerate() {
        let column = column as u16;
        sheet.write_with_format(0, column, *title, &heading)?;
        let width = match *field {
            "id_number" => 22.0,
            "employer" | "organisation_code" => 24.0,
            _ => 13.0,
        };
        sheet.set_column_width(column, width)?;
        match *field {
            "id_number" | "phone" | "organisation_code" => {
                sheet.set_column_format(column, &text)?;
            }
            "join_date" => {
                sheet.set_column_format(column, &date)?;
            }
            "occupation" => {
                let list = DataValidation::new().allow_list_strings(&occupations)?;
                sheet.add_data_validation(1, column, TEMPLATE_ROWS, column, &list)?;
            }
            "skill_level" => {
                let list = DataValidation::new().allow_list_strings(&skills)?;
                sheet.add_data_validation(1, column, TEMPLATE_ROWS, column, &list)?;
            }
            _ => {}
        }
    }
    let example = [
        "王芳",
        "210211199003010061",
        "13904110001",
        "美团外卖大连站",
        "网约配送员",
        "初级工",
    ];
    for (column, value) in example.iter().enumerate() {
        sheet.write_with_format(1, column as u16, *value, &text)?;
    }
    let day = time::macros::date!(2026 - 11 - 24);
    let serial = (day - time::macros::date!(1899 - 12 - 30)).whole_days() as f64;
    sheet.write_number_with_format(1, 6, serial, &date)?;
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_as_a_roster_with_its_example_row() {
        let bytes = template_xlsx().unwrap();
        let rows = super::super::files::read(&bytes).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].fields["id_number"], "210211199003010061");
        assert_eq!(rows[0].fields["occupation"], "网约配送员");
        assert_eq!(rows[0].fields["join_date"], "2026-11-24");
    }
}
