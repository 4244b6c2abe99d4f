//! A fund's rules (管理办法) as the app enforces them, the form that sets them, and the kinds of
//! ledger movement.

use time::Date;

use crate::money::Money;
use crate::web::dates::parse_date;
use crate::web::forms::FieldErrors;
use crate::web::input::clean_text;

crate::states! {
    /// What a ledger row does to its account.
    pub enum EntryKind {
        /// Money into the fund's pool.
        Appropriation = "appropriation",
        /// Money moved from the pool to an allocation (two rows: out of one, into the other).
        Allocation = "allocation",
        /// A grant.
        Commitment = "commitment",
        /// A grant cancelled, or the part of it not spent.
        Release = "release",
        /// A payment of a grant.
        Disbursement = "disbursement",
        /// The reversal of a wrong row.
        Correction = "correction",
    }
}

/// The rules an application must keep, read from its fund.
#[derive(Debug, Clone)]
pub struct Rules {
    pub tiers: Vec<i16>,
    pub max_grant_tier2: Option<Money>,
    pub max_grant_tier3: Option<Money>,
    pub max_share_percent: i16,
    pub opens_on: Date,
    pub closes_on: Date,
    pub report_due_days: i32,
    pub second_signoff_above: Option<Money>,
}

impl Rules {
    /// The most the fund grants one contest of `tier`.
    pub fn max_grant(&self, tier: i16) -> Option<Money> {
        match tier {
            2 => self.max_grant_tier2,
            3 => self.max_grant_tier3,
            _ => None,
        }
    }

    /// The most a contest with this budget may get: the tier's limit and the share of the budget.
    pub fn ceiling(&self, tier: i16, budget_total: Money) -> Money {
        let share = budget_total.percent(i64::from(self.max_share_percent));
        self.max_grant(tier).map_or(share, |max| max.min(share))
    }

    /// Why `amount` cannot be asked for or granted, as a catalogue key: past the tier's limit or
    /// past the share of the contest's own budget.
    pub fn refuse_amount(
        &self,
        tier: i16,
        amount: Money,
        budget_total: Money,
    ) -> Option<&'static str> {
        if amount.is_zero() {
            return Some("application.error.requested_zero");
        }
        if self.max_grant(tier).is_some_and(|max| amount > max) {
            return Some("application.error.over_tier_limit");
        }
        if amount > budget_total.percent(i64::from(self.max_share_percent)) {
            return Some("application.error.over_share");
        }
        None
    }

    pub fn pays_for(&self, tier: i16) -> bool {
        self.tiers.contains(&tier)
    }

    pub fn is_open_on(&self, day: Date) -> bool {
        (self.opens_on..=self.closes_on).contains(&day)
    }

    /// Whether a grant of `amount` needs a second reviewer's sign-off.
    pub fn needs_second_signoff(&self, amount: Money) -> bool {
        self.second_signoff_above
            .is_some_and(|limit| amount > limit)
    }

    /// What the fund pays out for a contest that spent `spent`: the grant or less, by the share
    /// of what was actually spent and the tier's limit.
    pub fn payable(&self, tier: i16, granted: Money, spent: Money) -> Money {
        granted.min(self.ceiling(tier, spent))
    }
}

/// The fund form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FundForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub tier1: Option<String>,
    #[serde(default)]
    pub tier2: Option<String>,
    #[serde(default)]
    pub tier3: Option<String>,
    #[serde(default)]
    pub total: String,
    #[serde(default)]
    pub max_grant_tier2: String,
    #[serde(default)]
    pub max_grant_tier3: String,
    #[serde(default)]
    pub max_share_percent: String,
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub closes_on: String,
    #[serde(default)]
    pub report_due_days: String,
    #[serde(default)]
    pub second_signoff_above: String,
}

/// A fund ready to save.
#[derive(Debug, Clone)]
pub struct ValidFund {
    pub name: String,
    pub year: i32,
    pub purpose: String,
    pub total: Money,
    pub rules: Rules,
}

/// An optional amount: blank is none.
fn optional_money(errors: &mut FieldErrors, field: &'static str, text: &str) -> Option<Money> {
    if text.trim().is_empty() {
        return None;
    }
    errors.check(field, Money::parse(text))
}

fn number_in<T: std::str::FromStr + PartialOrd>(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    range: std::ops::RangeInclusive<T>,
    key: &'static str,
) -> Option<T> {
    let value = text.trim().parse::<T>().ok().filter(|v| range.contains(v));
    if value.is_none() {
        errors.add(field, key);
    }
    value
}

impl FundForm {
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<ValidFund> {
        let name = clean_text(&self.name);
        if name.is_empty() || name.chars().count() > 100 {
            errors.add("name", "fund.error.name");
        }
        let year = number_in(errors, "year", &self.year, 2000..=2100, "fund.error.year");
        let tiers: Vec<i16> = [(1, &self.tier1), (2, &self.tier2), (3, &self.tier3)]
            .into_iter()
            .filter(|(_, ticked)| ticked.is_some())
            .map(|(tier, _)| tier)
            .collect();
        if tiers.is_empty() {
            errors.add("tiers", "fund.error.tiers");
        }
        let total = errors.check("total", Money::parse(&self.total));
        let max2 = optional_money(errors, "max_grant_tier2", &self.max_grant_tier2);
        let max3 = optional_money(errors, "max_grant_tier3", &self.max_grant_tier3);
        let share = number_in(
            errors,
            "max_share_percent",
            &self.max_share_percent,
            1..=100,
            "fund.error.share",
        );
        let opens = parse_date(&self.opens_on);
        if opens.is_none() {
            errors.add("opens_on", "fund.error.date");
        }
        let closes = parse_date(&self.closes_on);
        match (opens, closes) {
            (_, None) => errors.add("closes_on", "fund.error.date"),
            (Some(opens), Some(closes)) if closes < opens => {
                errors.add("closes_on", "fund.error.window")
            }
            _ => {}
        }
        let due = number_in(
            errors,
            "report_due_days",
            &self.report_due_days,
            1..=366,
            "fund.error.due_days",
        );
        let second = optional_money(errors, "second_signoff_above", &self.second_signoff_above);
        for (field, max) in [("max_grant_tier2", max2), ("max_grant_tier3", max3)] {
            if max.is_some_and(Money::is_zero) {
                errors.add(field, "application.error.requested_zero");
            }
        }
        if !errors.is_empty() {
            return None;
        }
        Some(ValidFund {
            name,
            year: year?,
            purpose: clean_text(&self.purpose),
            total: total?,
            rules: Rules {
                tiers,
                max_grant_tier2: max2,
                max_grant_tier3: max3,
                max_share_percent: share?,
                opens_on: opens?,
                closes_on: closes?,
                report_due_days: due?,
                second_signoff_above: second,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rules() -> Rules {
        Rules {
            tiers: vec![2, 3],
            max_grant_tier2: Some(Money::from_yuan(100_000)),
            max_grant_tier3: Some(Money::from_yuan(30_000)),
            max_share_percent: 50,
            opens_on: date!(2025 - 01 - 01),
            closes_on: date!(2025 - 10 - 31),
            report_due_days: 30,
            second_signoff_above: Some(Money::from_yuan(50_000)),
        }
    }

    #[test]
    fn a_request_keeps_the_tier_limit_and_the_share_of_the_budget() {
        let rules = rules();
        let budget = Money::from_yuan(80_000);
        assert_eq!(
            rules.refuse_amount(3, Money::from_yuan(30_000), budget),
            None
        );
        assert_eq!(
            rules.refuse_amount(3, Money::from_fen(3_000_001), budget),
            Some("application.error.over_tier_limit")
        );
        assert_eq!(
            rules.refuse_amount(2, Money::from_fen(4_000_001), budget),
            Some("application.error.over_share")
        );
        assert_eq!(
            rules.refuse_amount(2, Money::ZERO, budget),
            Some("application.error.requested_zero")
        );
    }

    #[test]
    fn settlement_pays_the_grant_or_the_share_of_what_was_spent() {
        let rules = rules();
        let granted = Money::from_yuan(20_000);
        assert_eq!(rules.payable(3, granted, Money::from_yuan(60_000)), granted);
        assert_eq!(
            rules.payable(3, granted, Money::from_yuan(30_000)),
            Money::from_yuan(15_000)
        );
    }

    #[test]
    fn grants_above_the_limit_need_a_second_sign_off_and_the_window_includes_both_ends() {
        let rules = rules();
        assert!(rules.needs_second_signoff(Money::from_fen(5_000_001)));
        assert!(!rules.needs_second_signoff(Money::from_yuan(50_000)));
        assert!(
            rules.is_open_on(date!(2025 - 10 - 31)) && !rules.is_open_on(date!(2025 - 11 - 01))
        );
    }
}
