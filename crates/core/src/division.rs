//! Administrative divisions (GB/T 2260 codes, extended to townships by the 9-digit statistical
//! code) and jurisdictions. An inspector's or supervisor's scope is a division and everything
//! under it, so a jurisdiction is a code prefix: Hangzhou 330100 covers every code that starts
//! with `3301`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DivisionError {
    #[error("division code {0:?} must be 6 or 9 digits")]
    Malformed(String),
}

/// A province, city or county code (6 digits) or a township/street code (9 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export, type = "string")]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(code: &str) -> Result<Self, DivisionError> {
        let ok = matches!(code.len(), 6 | 9) && code.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(code.to_owned()))
        } else {
            Err(DivisionError::Malformed(code.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The county-level code (first 6 digits).
    pub fn county(&self) -> &str {
        &self.0[..6]
    }

    pub fn is_township(&self) -> bool {
        self.0.len() == 9
    }

    /// The jurisdiction this division heads.
    pub fn jurisdiction(&self) -> Jurisdiction {
        let prefix = if self.0.len() == 6 {
            // 330000 → "33", 330100 → "3301", 330106 → "330106".
            if &self.0[2..] == "0000" {
                &self.0[..2]
            } else if &self.0[4..] == "00" {
                &self.0[..4]
            } else {
                &self.0[..]
            }
        } else {
            &self.0[..]
        };
        Jurisdiction { prefix: prefix.to_owned() }
    }
}

impl std::fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A division and everything under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Jurisdiction {
    prefix: String,
}

impl Jurisdiction {
    pub fn of(code: &DivisionCode) -> Self {
        code.jurisdiction()
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn contains(&self, code: &DivisionCode) -> bool {
        code.as_str().starts_with(&self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    #[test]
    fn city_jurisdiction_contains_its_districts_and_townships() {
        let hangzhou = d("330100").jurisdiction();
        assert_eq!(hangzhou.prefix(), "3301");
        assert!(hangzhou.contains(&d("330106")));
        assert!(hangzhou.contains(&d("330106001")));
        assert!(!hangzhou.contains(&d("330201")), "Ningbo is not Hangzhou");
    }

    #[test]
    fn district_jurisdiction_excludes_its_neighbours() {
        let xihu = d("330106").jurisdiction();
        assert!(xihu.contains(&d("330106010")));
        assert!(!xihu.contains(&d("330108")));
    }

    #[test]
    fn province_jurisdiction_is_two_digits() {
        assert_eq!(d("330000").jurisdiction().prefix(), "33");
    }

    #[test]
    fn malformed_codes_are_refused() {
        assert!(DivisionCode::parse("3301").is_err());
        assert!(DivisionCode::parse("33010A").is_err());
    }
}
