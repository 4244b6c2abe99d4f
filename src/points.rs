//! Marks and weights, exact: whole hundredths in Rust and in the database (`integer`), never a
//! float. A [`Mark`] is hundredths of a point (`9.5` is 950); a [`Weight`] is hundredths of a
//! percent (`33.33%` is 3333, the whole is 10000). Every module that scores uses them.

use std::fmt;

/// Hundredths of a point. Non-negative as input; sums and differences may grow past a maximum.
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
pub struct Mark(i32);

/// Hundredths of a percent: a share of a whole that is [`Weight::WHOLE`].
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
pub struct Weight(i32);

impl Mark {
    /// The largest mark a part or sub-item may have: 1,000 points.
    pub const MAX: Mark = Mark(100_000);

    pub const fn from_hundredths(hundredths: i32) -> Self {
        Self(hundredths)
    }

    pub const fn hundredths(self) -> i32 {
        self.0
    }

    /// Reads a mark as a judge types it: digits with up to two decimals (full-width digits and a
    /// full-width point allowed). The error is a catalogue key.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        parse_hundredths(text, Self::MAX.0)
            .map(Self)
            .ok_or("points.error.mark")
    }
}

impl Weight {
    pub const WHOLE: Weight = Weight(10_000);

    pub const fn from_hundredths(hundredths: i32) -> Self {
        Self(hundredths)
    }

    pub const fn hundredths(self) -> i32 {
        self.0
    }

    /// Reads a share as typed: `40`, `33.33`, `40%` or `４０％`; above zero, at most 100%.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let text = text.trim().trim_end_matches(['%', '％']);
        parse_hundredths(text, Self::WHOLE.0)
            .filter(|hundredths| *hundredths > 0)
            .map(Self)
            .ok_or("points.error.weight")
    }

    /// The sum of some shares, to check that they make the whole.
    pub fn sum(weights: impl IntoIterator<Item = Weight>) -> Weight {
        Weight(weights.into_iter().map(|weight| weight.0).sum())
    }

    pub fn is_whole(self) -> bool {
        self == Self::WHOLE
    }
}

/// Digits with up to two decimals, as hundredths, at most `max`.
fn parse_hundredths(text: &str, max: i32) -> Option<i32> {
    let cleaned: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' => '.',
            other => other,
        })
        .collect();
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || whole.len() > 6
        || !digits(whole)
        || fraction.len() > 2
        || !digits(fraction)
    {
        return None;
    }
    let whole: i32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i32 = format!("{fraction:0<2}").parse().ok()?;
    let value = whole.checked_mul(100)?.checked_add(fraction)?;
    (value <= max).then_some(value)
}

/// Hundredths as a number with its decimals only where they say something: `9.5`, `10`, `33.33`.
fn show(hundredths: i32, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let sign = if hundredths < 0 { "-" } else { "" };
    let value = hundredths.unsigned_abs();
    let (whole, fraction) = (value / 100, value % 100);
    match fraction {
        0 => write!(f, "{sign}{whole}"),
        f10 if f10 % 10 == 0 => write!(f, "{sign}{whole}.{}", f10 / 10),
        _ => write!(f, "{sign}{whole}.{fraction:02}"),
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        show(self.0, f)
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        show(self.0, f)?;
        f.write_str("%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_read_as_judges_type_them_and_shown_without_needless_decimals() {
        assert_eq!(Mark::parse("9.5"), Ok(Mark(950)));
        assert_eq!(Mark::parse(" 10 "), Ok(Mark(1000)));
        assert_eq!(Mark::parse("０．７５"), Ok(Mark(75)));
        assert_eq!(Mark::parse("1000"), Ok(Mark::MAX));
        assert_eq!(Mark::parse(".5"), Ok(Mark(50)));
        for bad in ["", ".", "-1", "9.555", "abc", "1e3", "1000.01"] {
            assert!(Mark::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Mark(950).to_string(), "9.5");
        assert_eq!(Mark(1000).to_string(), "10");
        assert_eq!(Mark(1234).to_string(), "12.34");
        assert_eq!(Mark(-5).to_string(), "-0.05");
    }

    #[test]
    fn weights_are_shares_above_zero_and_at_most_the_whole() {
        assert_eq!(Weight::parse("40%"), Ok(Weight(4000)));
        assert_eq!(Weight::parse("33.33"), Ok(Weight(3333)));
        assert_eq!(Weight::parse("１００％"), Ok(Weight::WHOLE));
        for bad in ["0", "100.01", "-5", "四十"] {
            assert!(Weight::parse(bad).is_err(), "{bad}");
        }
        let thirds = [Weight(3333), Weight(3333), Weight(3334)];
        assert!(Weight::sum(thirds).is_whole());
        assert!(!Weight::sum([Weight(3333); 3]).is_whole());
        assert_eq!(Weight(3333).to_string(), "33.33%");
    }
}
