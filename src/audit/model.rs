//! How sensitive values are masked before they are written down.

/// Masks the middle of a sensitive value, keeping a few characters at each end
/// (`210203199001011234` → `2102**********1234`, `13812345678` → `138****5678`).
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = match chars.len() {
        0..=4 => return "*".repeat(chars.len()),
        5..=11 => 3,
        _ => 4,
    };
    let tail = if chars.len() == 11 { 4 } else { keep };
    let hidden = chars.len() - keep - tail;
    let mut masked: String = chars[..keep].iter().collect();
    masked.push_str(&"*".repeat(hidden));
    masked.extend(&chars[chars.len() - tail..]);
    masked
}

/// A person's name as shown to anyone who is not staff: the surname, then a star for each other
/// character (张**, 王*).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    let first: String = chars.next().map(String::from).unwrap_or_default();
    format!("{first}{}", "*".repeat(chars.count().max(1)))
}

/// The names of fields that never enter the audit trail in clear.
pub const SENSITIVE_FIELDS: [&str; 4] = ["id_number", "phone", "contact_phone", "password_hash"];

/// Masks the sensitive fields of a JSON object in place (passwords are replaced entirely).
pub fn mask_sensitive(value: &mut serde_json::Value) {
    if let Some(object) = value.as_object_mut() {
        for (key, field) in object.iter_mut() {
            if !SENSITIVE_FIELDS.contains(&key.as_str()) {
                continue;
            }
            *field = match (key.as_str(), field.as_str()) {
                ("password_hash", _) => serde_json::Value::String("[hidden]".into()),
                (_, Some(text)) => serde_json::Value::String(mask(text)),
                _ => field.clone(),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_and_phones_are_masked_in_the_middle() {
        assert_eq!(mask("210203199001011234"), "2102**********1234");
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("abc"), "***");
    }

    #[test]
    fn sensitive_fields_are_masked_and_others_kept() {
        let mut value = serde_json::json!({
            "name": "王芳", "contact_phone": "13812345678", "password_hash": "$argon2id$..."
        });
        mask_sensitive(&mut value);
        assert_eq!(value["name"], "王芳");
        assert_eq!(value["contact_phone"], "138****5678");
        assert_eq!(value["password_hash"], "[hidden]");
    }
}
