//! The two codes every register in the field carries, validated to the letter of their
//! standards so a typo is caught on the form, not months later in a report:
//! the unified social credit code (统一社会信用代码, GB 32100-2015) and the resident ID-card
//! number (公民身份号码, GB 11643-1999). ID numbers are sensitive personal information and are
//! masked wherever they are shown ([`mask_id_number`]).

use crate::message::Message;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The 31 characters of GB 32100, in value order 0–30 (no I, O, S, V, Z).
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// `3^(i-1) mod 31` for positions 1–17.
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// Full-width digits and letters, as Chinese input methods often type them, become ASCII;
/// surrounding spaces go; letters become upper case.
fn normalise(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect::<String>()
        .to_ascii_uppercase()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CreditCodeError {
    #[error("empty credit code")]
    Empty,
    #[error("credit code has {0} characters, expected 18")]
    WrongLength(usize),
    #[error("character {ch:?} at position {position} is not allowed")]
    InvalidCharacter { position: usize, ch: char },
    #[error("positions 3-8 must be an administrative division code")]
    DivisionNotDigits,
    #[error("wrong check character {found}, expected {expected}")]
    CheckMismatch { expected: char, found: char },
}

impl CreditCodeError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("请填写统一社会信用代码", "Enter the unified social credit code"),
            Self::WrongLength(n) => Message::new(
                format!("统一社会信用代码应为 18 位，现为 {n} 位"),
                format!("A credit code has 18 characters; this one has {n}"),
            ),
            Self::InvalidCharacter { position, ch } => Message::new(
                format!("第 {position} 位的“{ch}”不是信用代码允许的字符（不使用 I、O、S、V、Z）"),
                format!("Character '{ch}' at position {position} is not allowed (I, O, S, V, Z are never used)"),
            ),
            Self::DivisionNotDigits => Message::new(
                "第 3–8 位应为登记管理机关行政区划代码（6 位数字）",
                "Positions 3–8 must be the 6-digit division code of the registering authority",
            ),
            Self::CheckMismatch { expected, .. } => Message::new(
                format!("校验位错误，应为 {expected}"),
                format!("Wrong check character, expected {expected}"),
            ),
        }
    }
}

/// A unified social credit code that passed its GB 32100 check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let code = normalise(input);
        let chars: Vec<char> = code.chars().collect();
        if chars.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        if chars.len() != 18 {
            return Err(CreditCodeError::WrongLength(chars.len()));
        }
        let mut values = [0u32; 18];
        for (i, &ch) in chars.iter().enumerate() {
            values[i] = credit_value(ch).ok_or(CreditCodeError::InvalidCharacter { position: i + 1, ch })?;
        }
        if !chars[2..8].iter().all(char::is_ascii_digit) {
            return Err(CreditCodeError::DivisionNotDigits);
        }
        let expected = credit_check_char(&values[..17]);
        if expected != chars[17] {
            return Err(CreditCodeError::CheckMismatch { expected, found: chars[17] });
        }
        Ok(Self(code))
    }

    /// Completes 17 characters with their check character (for generated demo registers).
    pub fn complete(first17: &str) -> Option<Self> {
        let values: Option<Vec<u32>> = first17.chars().map(credit_value).collect();
        let values = values.filter(|v| v.len() == 17)?;
        Self::parse(&format!("{first17}{}", credit_check_char(&values))).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The division code of the registering authority (positions 3–8).
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }
}

fn credit_value(ch: char) -> Option<u32> {
    CREDIT_ALPHABET.iter().position(|&c| c as char == ch).map(|p| p as u32)
}

fn credit_check_char(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    CREDIT_ALPHABET[check as usize] as char
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdNumberError {
    #[error("empty ID number")]
    Empty,
    #[error("ID number has {0} characters, expected 18")]
    WrongLength(usize),
    #[error("character {ch:?} at position {position} must be a digit")]
    NotDigit { position: usize, ch: char },
    #[error("birth date {0} does not exist")]
    InvalidBirthDate(String),
    #[error("wrong check character {found}, expected {expected}")]
    CheckMismatch { expected: char, found: char },
}

impl IdNumberError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("请填写身份证号码", "Enter the ID-card number"),
            Self::WrongLength(n) => Message::new(
                format!("身份证号码应为 18 位，现为 {n} 位"),
                format!("An ID-card number has 18 characters; this one has {n}"),
            ),
            Self::NotDigit { position, ch } => Message::new(
                format!("第 {position} 位的“{ch}”应为数字"),
                format!("Character '{ch}' at position {position} must be a digit"),
            ),
            Self::InvalidBirthDate(d) => {
                Message::new(format!("出生日期 {d} 不存在"), format!("Birth date {d} does not exist"))
            }
            Self::CheckMismatch { expected, .. } => Message::new(
                format!("校验位错误，应为 {expected}"),
                format!("Wrong check character, expected {expected}"),
            ),
        }
    }
}

/// A resident ID-card number that passed its GB 11643 check. Its `Debug` and `Display` show
/// only the masked form, so it cannot leak into a log by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        let code = normalise(input);
        let chars: Vec<char> = code.chars().collect();
        if chars.is_empty() {
            return Err(IdNumberError::Empty);
        }
        if chars.len() != 18 {
            return Err(IdNumberError::WrongLength(chars.len()));
        }
        if let Some((i, &ch)) = chars[..17].iter().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdNumberError::NotDigit { position: i + 1, ch });
        }
        let birth = &code[6..14];
        let date_ok = NaiveDate::parse_from_str(birth, "%Y%m%d").is_ok_and(|d| d.year() >= 1900);
        if !date_ok {
            return Err(IdNumberError::InvalidBirthDate(format!("{}-{}-{}", &birth[..4], &birth[4..6], &birth[6..])));
        }
        let expected = id_check_char(&code[..17]);
        if expected != chars[17] {
            return Err(IdNumberError::CheckMismatch { expected, found: chars[17] });
        }
        Ok(Self(code))
    }

    /// Completes 17 digits with their check character (for generated demo registers).
    pub fn complete(first17: &str) -> Option<Self> {
        if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Self::parse(&format!("{first17}{}", id_check_char(first17))).ok()
    }

    /// The full number, for storage only. Never show or log it: use [`IdNumber::masked`].
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }

    #[expect(clippy::expect_used, reason = "an IdNumber exists only once its date was checked at parse")]
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("validated at parse")
    }
}

impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl std::fmt::Display for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

fn id_check_char(first17: &str) -> char {
    let sum: u32 = first17.bytes().zip(ID_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    ID_CHECK[(sum % 11) as usize] as char
}

/// `330102********1234`: the region and the last four stay, the birth date and sequence go.
/// Anything that is not 18 characters keeps only its last four.
pub fn mask_id_number(raw: &str) -> String {
    let chars: Vec<char> = raw.trim().chars().collect();
    let n = chars.len();
    if n == 18 {
        let mut s: String = chars[..6].iter().collect();
        s.push_str("********");
        s.extend(&chars[14..]);
        s
    } else {
        let keep = n.min(4);
        let mut s = "*".repeat(n - keep);
        s.extend(&chars[n - keep..]);
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CodeKind {
    CreditCode,
    IdNumber,
}

/// The answer to "is this code valid?" for a form field or `safeserve check-code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CodeCheck {
    pub kind: CodeKind,
    pub valid: bool,
    /// The normalised code when valid (ID numbers masked).
    pub display: Option<String>,
    pub error: Option<Message>,
}

impl CodeCheck {
    /// Checks `input` as `kind`, or, with no kind, as whichever it is: a valid code of
    /// either kind wins; otherwise 17 leading digits mean an ID number was meant.
    pub fn run(input: &str, kind: Option<CodeKind>) -> Self {
        let as_credit = || match CreditCode::parse(input) {
            Ok(c) => Self { kind: CodeKind::CreditCode, valid: true, display: Some(c.0), error: None },
            Err(e) => Self { kind: CodeKind::CreditCode, valid: false, display: None, error: Some(e.message()) },
        };
        let as_id = || match IdNumber::parse(input) {
            Ok(c) => Self { kind: CodeKind::IdNumber, valid: true, display: Some(c.masked()), error: None },
            Err(e) => Self { kind: CodeKind::IdNumber, valid: false, display: None, error: Some(e.message()) },
        };
        match kind {
            Some(CodeKind::CreditCode) => as_credit(),
            Some(CodeKind::IdNumber) => as_id(),
            None => {
                let (credit, id) = (as_credit(), as_id());
                let digits17 = normalise(input).chars().take(17).filter(char::is_ascii_digit).count() == 17;
                if credit.valid || (!id.valid && !digits17) {
                    credit
                } else {
                    id
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_code_from_the_standard_example_is_valid() {
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
    }

    #[test]
    fn credit_code_accepts_lower_case_and_full_width() {
        assert_eq!(CreditCode::parse(" 91350100m000100y43 ").unwrap().as_str(), "91350100M000100Y43");
        assert!(CreditCode::parse("９１350100M000100Y43").is_ok());
    }

    #[test]
    fn credit_code_wrong_check_names_the_right_one() {
        let err = CreditCode::parse("91350100M000100Y44").unwrap_err();
        assert_eq!(err, CreditCodeError::CheckMismatch { expected: '3', found: '4' });
        assert_eq!(err.message().zh, "校验位错误，应为 3");
    }

    #[test]
    fn credit_code_rejects_forbidden_letters_with_position() {
        let err = CreditCode::parse("91350100M000100O43").unwrap_err();
        assert_eq!(err, CreditCodeError::InvalidCharacter { position: 16, ch: 'O' });
    }

    #[test]
    fn credit_code_length_is_reported() {
        assert_eq!(CreditCode::parse("9135010").unwrap_err(), CreditCodeError::WrongLength(7));
        assert_eq!(CreditCode::parse("  ").unwrap_err(), CreditCodeError::Empty);
    }

    #[test]
    fn credit_code_complete_round_trips() {
        let c = CreditCode::complete("91330106MA2ABCDE1").expect("valid body");
        assert!(CreditCode::parse(c.as_str()).is_ok());
        assert_eq!(c.division(), "330106");
    }

    #[test]
    fn id_number_valid_examples_including_x() {
        // GB 11643's own example.
        assert!(IdNumber::parse("11010519491231002X").is_ok());
        assert_eq!(IdNumber::parse("11010519491231002x").unwrap().expose(), "11010519491231002X");
    }

    #[test]
    fn id_number_wrong_check_names_the_right_one() {
        let err = IdNumber::parse("110105194912310021").unwrap_err();
        assert_eq!(err, IdNumberError::CheckMismatch { expected: 'X', found: '1' });
        assert_eq!(err.message().zh, "校验位错误，应为 X");
    }

    #[test]
    fn id_number_rejects_impossible_birth_date() {
        let body = "33010219990230123"; // 30 February
        let full = format!("{body}{}", id_check_char(body));
        assert!(matches!(IdNumber::parse(&full), Err(IdNumberError::InvalidBirthDate(_))));
        let leap = "33010220000229123";
        assert!(IdNumber::complete(leap).is_some(), "29 Feb 2000 exists");
    }

    #[test]
    fn id_number_non_digit_is_located() {
        assert_eq!(
            IdNumber::parse("1101A519491231002X").unwrap_err(),
            IdNumberError::NotDigit { position: 5, ch: 'A' }
        );
    }

    #[test]
    fn id_number_never_prints_in_full() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(format!("{id}"), "110105********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(110105********002X)");
        assert_eq!(mask_id_number("330102199001011234"), "330102********1234");
        assert_eq!(mask_id_number("12345"), "*2345");
    }

    #[test]
    fn code_check_detects_kind() {
        assert_eq!(CodeCheck::run("91350100M000100Y43", None).kind, CodeKind::CreditCode);
        let id = CodeCheck::run("11010519491231002X", None);
        assert_eq!((id.kind, id.valid), (CodeKind::IdNumber, true));
        assert_eq!(id.display.as_deref(), Some("110105********002X"));
        let bad_id = CodeCheck::run("110105194912310021", None);
        assert_eq!((bad_id.kind, bad_id.valid), (CodeKind::IdNumber, false));
        let bad_credit = CodeCheck::run("91350100M000100Y44", None);
        assert_eq!(bad_credit.kind, CodeKind::CreditCode);
        assert_eq!(bad_credit.error.unwrap().zh, "校验位错误，应为 3");
    }
}
