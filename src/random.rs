//! Random tokens: session and CSRF tokens, passwords, references a person types back.

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random generator works");
    bytes
}

/// `bytes` random bytes as lowercase hex (tokens, generated keys and passwords of machines).
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the operating system's random generator works");
    buffer.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `N` characters from `alphabet`, for text a person reads or types.
fn random_text<const N: usize>(alphabet: &[u8]) -> String {
    random_bytes::<N>()
        .iter()
        .map(|byte| alphabet[*byte as usize % alphabet.len()] as char)
        .collect()
}

/// A reference a worker keeps to look up their request: `RH` and 8 characters without look-alikes.
pub fn random_reference() -> String {
    format!(
        "RH{}",
        random_text::<8>(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    )
}

/// The letters and digits of serials a person may type back: no 0, O, 1 or I.
pub const SERIAL_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A certificate's serial: 16 characters of [`SERIAL_ALPHABET`], 80 random bits (256 is a
/// multiple of 32, so every character is equally likely).
pub fn random_serial() -> String {
    random_text::<16>(SERIAL_ALPHABET)
}

/// A password that is easy to type: no look-alike characters.
pub fn random_password() -> String {
    random_text::<14>(b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_passwords_avoid_look_alike_characters() {
        let reference = random_reference();
        assert_eq!(reference.len(), 10);
        assert!(!reference[2..].contains(['0', 'O', '1', 'I']));
        assert!(!random_password().contains(['0', 'O', 'l', '1', 'I']));
        assert_eq!(random_hex(32).len(), 64);
    }
}
