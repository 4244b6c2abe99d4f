//! Money, exact: a whole number of fen (分) in Rust and in the database (`bigint`), never a float.
//! Every module that handles yuan uses [`Money`]: it reads amounts as clerks type them
//! ("12,345.6", "1.2万", "¥30000", "３０００元") and shows them as `¥1,234.56`, or on dashboards as
//! `123.46万元`.

use std::fmt;

/// The largest amount the app takes: ten billion yuan, far above any fund, far below `i64`.
const MAX_FEN: i64 = 1_000_000_000_000;

/// An amount of money in fen. Negative amounts exist only as ledger movements, never as input.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    sqlx::Type,
    serde::Serialize,
    serde::Deserialize,
)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Self {
        Self(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Self {
        Self(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `share` percent of this amount, rounded down to the fen (a rule's "at most 50% of").
    pub fn percent(self, share: i64) -> Self {
        Self(((i128::from(self.0) * i128::from(share)) / 100) as i64)
    }

    /// Reads an amount as a clerk types it: digits with optional thousands separators and up to
    /// two decimals of yuan, or up to six decimals followed by 万 (ten thousand yuan); a leading ¥
    /// or ￥, a trailing 元, spaces and full-width digits are allowed. The error is a catalogue key.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let mut cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' | '。' => '.',
                '，' => ',',
                _ => c,
            })
            .collect();
        if cleaned.is_empty() {
            return Err("money.error.empty");
        }
        if cleaned.starts_with('-') || cleaned.starts_with('－') {
            return Err("money.error.negative");
        }
        for prefix in ["¥", "￥", "RMB", "rmb"] {
            if let Some(rest) = cleaned.strip_prefix(prefix) {
                cleaned = rest.to_string();
            }
        }
        if let Some(rest) = cleaned.strip_suffix('元') {
            cleaned = rest.to_string();
        }
        let (number, scale) = match cleaned.strip_suffix('万') {
            Some(rest) => (rest, 6u32),
            None => (cleaned.as_str(), 2u32),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() {
            return Err("money.error.invalid");
        }
        if !grouped_digits(whole) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err("money.error.invalid");
        }
        if fraction.len() > scale as usize {
            return Err("money.error.fen");
        }
        let digits: String = whole.chars().filter(|c| *c != ',').collect();
        let mut fen: i128 = 0;
        for digit in digits.bytes().chain(fraction.bytes()) {
            fen = fen * 10 + i128::from(digit - b'0');
            if fen > i128::from(MAX_FEN) * 10_000 {
                return Err("money.error.too_large");
            }
        }
        // `scale` decimals of the unit; the unit is 100 fen (yuan) or 1,000,000 fen (万).
        let unit_fen: i128 = if scale == 6 { 1_000_000 } else { 100 };
        let missing = scale - fraction.len() as u32;
        let fen = fen * 10i128.pow(missing) * unit_fen / 10i128.pow(scale);
        if fen > i128::from(MAX_FEN) {
            return Err("money.error.too_large");
        }
        Ok(Self(fen as i64))
    }

    /// The amount as a form field shows it back: `12345.60`, no symbol, no separators.
    pub fn input(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let fen = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", fen / 100, fen % 100)
    }

    /// In ten thousands of yuan with two decimals, rounded half up: `123.46万元` on dashboards.
    pub fn wan(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let hundredths_of_wan = (self.0.unsigned_abs() + 5_000) / 10_000;
        format!(
            "{sign}{}.{:02}万元",
            group(hundredths_of_wan / 100),
            hundredths_of_wan % 100
        )
    }
}

/// `¥1,234.56`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let fen = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", group(fen / 100), fen % 100)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

/// Digits, with commas only as thousands separators (`12,345`, not `1,2345`).
fn grouped_digits(whole: &str) -> bool {
    if !whole.contains(',') {
        return whole.bytes().all(|b| b.is_ascii_digit());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let first = groups[0];
    !first.is_empty()
        && first.len() <= 3
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups[1..]
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// `1234567` as `1,234,567`.
fn group(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Money;

    fn fen(text: &str) -> i64 {
        Money::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .fen()
    }

    #[test]
    fn amounts_read_as_clerks_type_them() {
        assert_eq!(fen("12,345.6"), 1_234_560);
        assert_eq!(fen("1.2万"), 1_200_000);
        assert_eq!(fen("¥30000"), 3_000_000);
        assert_eq!(fen("￥30,000.00元"), 3_000_000);
        assert_eq!(fen("３０００元"), 300_000);
        assert_eq!(fen(" 600万 "), 600_000_000);
        assert_eq!(fen("1.234567万"), 1_234_567);
        assert_eq!(fen("0.5"), 50);
        assert_eq!(fen(".5"), 50);
        assert_eq!(fen("100"), 10_000);
    }

    #[test]
    fn what_is_not_an_amount_says_why() {
        assert_eq!(Money::parse(""), Err("money.error.empty"));
        assert_eq!(Money::parse("12a"), Err("money.error.invalid"));
        assert_eq!(Money::parse("三万"), Err("money.error.invalid"));
        assert_eq!(Money::parse("-5"), Err("money.error.negative"));
        assert_eq!(Money::parse("1.234"), Err("money.error.fen"));
        assert_eq!(Money::parse("1,2345"), Err("money.error.invalid"));
        assert_eq!(Money::parse("1.2.3"), Err("money.error.invalid"));
        assert_eq!(Money::parse("."), Err("money.error.invalid"));
        assert_eq!(
            Money::parse("99999999999999999999999"),
            Err("money.error.too_large")
        );
    }

    #[test]
    fn amounts_show_as_yuan_and_as_wan() {
        assert_eq!(Money::from_fen(123_456).to_string(), "¥1,234.56");
        assert_eq!(Money::from_fen(5).to_string(), "¥0.05");
        assert_eq!(Money::from_fen(-123_456).to_string(), "-¥1,234.56");
        assert_eq!(Money::from_fen(123_456_789).wan(), "123.46万元");
        assert_eq!(Money::from_yuan(6_000_000).wan(), "600.00万元");
        assert_eq!(Money::from_yuan(20_000_000).wan(), "2,000.00万元");
        assert_eq!(Money::from_fen(1_234_560).input(), "12345.60");
        assert_eq!(Money::from_fen(1_234_560).percent(50).fen(), 617_280);
        assert_eq!(Money::from_fen(3).percent(50).fen(), 1);
    }
}
