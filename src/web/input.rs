//! Text as it arrives from a browser, dealt with in one place. PostgreSQL cannot store a NUL
//! character and a page cannot show invalid UTF-8, so a request carrying either (in its path, query
//! string or url-encoded form) is refused with the 400 page before any handler sees it; short
//! texts that people type (names, employers, search words) are cleaned by [`clean_text`], so an
//! invisible character can neither hide in a record nor stop a search from finding it.

use unicode_normalization::UnicodeNormalization;

/// Whether every part of a url-encoded string (a query or a form body) decodes to storable text.
pub fn is_storable_encoded(encoded: &[u8]) -> bool {
    encoded
        .split(|byte| matches!(byte, b'&' | b'=' | b';'))
        .all(|part| is_storable(&decode(part)))
}

/// Whether a percent-encoded path decodes to storable text.
pub fn is_storable_path(path: &str) -> bool {
    is_storable(&percent_encoding::percent_decode_str(path).collect::<Vec<u8>>())
}

fn decode(part: &[u8]) -> Vec<u8> {
    let plus_as_space: Vec<u8> = part
        .iter()
        .map(|byte| if *byte == b'+' { b' ' } else { *byte })
        .collect();
    percent_encoding::percent_decode(&plus_as_space).collect()
}

fn is_storable(bytes: &[u8]) -> bool {
    !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
}

/// A short text as it is kept: Unicode NFC (one code point for a character typed either way),
/// format characters removed (zero-width spaces and joiners, bidi overrides that make
/// `U+202E gnp.exe` look like `exe.png`, soft hyphens, the BOM), control characters other than tab and
/// line breaks removed, and the ends trimmed.
pub fn clean_text(text: &str) -> String {
    text.nfc()
        .filter(|c| !is_format(*c) && (!c.is_control() || matches!(c, '\t' | '\n' | '\r')))
        .collect::<String>()
        .trim()
        .to_string()
}

/// A count of people or companies as union offices type it: `8406`, `8,406`, `１２３`, `1.1万`,
/// `8000人`, `528家`; none if it is not a whole number from 0 to `max`.
pub fn parse_count(text: &str, max: i64) -> Option<i64> {
    let text: String = text
        .nfkc()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let text = text.trim_end_matches(['人', '家', '名', '个']);
    let (number, scale) = match text.strip_suffix('万') {
        Some(number) => (number, 10_000),
        None => (text, 1),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 4
        || (scale == 1 && !fraction.is_empty())
        || whole.len() > 12
    {
        return None;
    }
    let padded = format!("{fraction:0<4}");
    let n =
        whole.parse::<i64>().ok()? * scale + padded.parse::<i64>().unwrap_or(0) * scale / 10_000;
    if scale > 1 && (padded.parse::<i64>().unwrap_or(0) * scale) % 10_000 != 0 {
        return None;
    }
    (0..=max).contains(&n).then_some(n)
}

/// A reason staff must give (a withdrawal, an unlock, a revocation): required, at most 500
/// characters; `keys` are the messages for a missing and a too-long one.
pub fn check_reason(text: &str, keys: [&'static str; 2]) -> Result<String, &'static str> {
    let reason = clean_text(text);
    match reason.chars().count() {
        0 => Err(keys[0]),
        1..=500 => Ok(reason),
        _ => Err(keys[1]),
    }
}

/// Unicode's general category Cf (format characters), the ranges that occur in typed text.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_read_as_offices_type_them() {
        assert_eq!(parse_count("8,406", 1_000_000), Some(8406));
        assert_eq!(parse_count(" １２３ 人", 1_000_000), Some(123));
        assert_eq!(parse_count("1.1万", 1_000_000), Some(11_000));
        assert_eq!(parse_count("528家", 1_000_000), Some(528));
        assert_eq!(parse_count("8000+", 1_000_000), None);
        assert_eq!(parse_count("1.5", 1_000_000), None);
        assert_eq!(parse_count("-3", 1_000_000), None);
        assert_eq!(parse_count("200", 100), None);
        assert_eq!(parse_count("", 100), None);
    }

    #[test]
    fn nul_and_broken_utf8_are_not_storable_wherever_they_hide() {
        assert!(is_storable_encoded(b"q=%E6%9D%8E%E5%9B%9B&page=2"));
        assert!(!is_storable_encoded(b"q=a%00b"));
        assert!(!is_storable_encoded(b"a%00=1"));
        assert!(!is_storable_encoded(b"name=%FF%FE"));
        assert!(!is_storable_encoded(b"name=\x00"));
        assert!(is_storable_path("/join/DL-GJZ"));
        assert!(!is_storable_path("/join/DL%00"));
    }

    #[test]
    fn invisible_and_reordering_characters_are_removed_and_text_is_composed() {
        assert_eq!(
            clean_text("\u{202E}gnp.exe\u{202C}李\u{200B}四"),
            "gnp.exe李四"
        );
        assert_eq!(clean_text("\u{FEFF} 王芳 "), "王芳");
        // é typed as e + combining accent becomes the one code point.
        assert_eq!(clean_text("Rene\u{301}"), "René");
        assert_eq!(clean_text("line\u{7}one"), "lineone");
    }
}
