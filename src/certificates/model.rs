//! Certificate serials as people read and type them: `ABCD-EFGH-JKLM-NPQR` on paper, found again
//! whatever the case, spaces, dashes or full-width characters typed.

use unicode_normalization::UnicodeNormalization;

use crate::random::SERIAL_ALPHABET;

pub const KINDS: [&str; 2] = ["award", "pass"];

/// The serial as stored, from what someone typed or scanned; none if it cannot be one.
pub fn normalise(typed: &str) -> Option<String> {
    // NFKC turns full-width letters, digits and dashes (as Chinese input methods type them) into
    // ASCII.
    let serial: String = typed
        .nfkc()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = serial.len() == 16 && serial.bytes().all(|b| SERIAL_ALPHABET.contains(&b));
    valid.then_some(serial)
}

/// The serial in four groups of four, as printed.
pub fn grouped(serial: &str) -> String {
    serial
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serial_is_found_however_it_is_typed() {
        let serial = crate::random::random_serial();
        assert_eq!(normalise(&serial).as_deref(), Some(serial.as_str()));
        let typed = format!(" {} ", grouped(&serial).to_lowercase());
        assert_eq!(normalise(&typed), Some(serial.clone()));
        assert_eq!(
            normalise("ＡＢＣＤ-ＥＦＧＨ-ＪＫＬＭ-ＮＰＱＲ").as_deref(),
            Some("ABCDEFGHJKLMNPQR")
        );
        assert_eq!(normalise("ABCD-EFGH-JKLM-NPQ0"), None, "no zero");
        assert_eq!(normalise("ABCD"), None);
        assert_eq!(grouped("ABCDEFGHJKLMNPQR"), "ABCD-EFGH-JKLM-NPQR");
    }
}
