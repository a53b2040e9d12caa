//! Why a form could not be drawn. Every failure is an error, never a PDF with a hole in it:
//! a hazard list without its photo or with a blank box for a name is not evidence.

use safeserve_core::Message;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The photo source has no print copy of a photo the document shows.
    #[error("photo {sha256} is missing: {reason}")]
    MissingPhoto { sha256: String, reason: String },
    /// Characters no available font holds.
    #[error("no font holds {0:?}")]
    MissingGlyphs(Vec<char>),
    /// The photo source returned bytes that are not a JPEG the PDF can carry.
    #[error("photo {sha256} is not a readable JPEG")]
    BadJpeg { sha256: String },
    /// A bundle must hold documents of the cover's enterprise (or the cover is not an enterprise file).
    #[error("bundle: {0}")]
    Bundle(String),
    /// Writing the PDF failed.
    #[error("PDF: {0}")]
    Pdf(String),
    /// Writing a spreadsheet failed.
    #[error("xlsx: {0}")]
    Spreadsheet(String),
}

fn short_hash(sha: &str) -> String {
    format!("{}…", sha.get(..8).unwrap_or(sha))
}

fn listed(chars: &[char]) -> String {
    chars.iter().map(|c| format!("“{c}”(U+{:04X})", *c as u32)).collect::<Vec<_>>().join("、")
}

impl ReportError {
    /// The message shown to the user, Chinese first.
    pub fn message(&self) -> Message {
        match self {
            ReportError::MissingPhoto { sha256, reason } => Message::new(
                format!("照片 {} 的文件缺失：{reason}", short_hash(sha256)),
                format!("The file of photo {} is missing: {reason}", short_hash(sha256)),
            ),
            ReportError::MissingGlyphs(chars) => Message::new(
                format!("字体中没有以下字符，无法打印：{}。请改用常用字或安装 Noto CJK 字体", listed(chars)),
                format!(
                    "No available font holds {}: use other characters or install the Noto CJK fonts",
                    chars.iter().map(|c| format!("U+{:04X}", *c as u32)).collect::<Vec<_>>().join(", ")
                ),
            ),
            ReportError::BadJpeg { sha256 } => Message::new(
                format!("照片 {} 不是可用的 JPEG 文件", short_hash(sha256)),
                format!("Photo {} is not a usable JPEG file", short_hash(sha256)),
            ),
            ReportError::Bundle(why) => {
                Message::new(format!("无法汇编一企一档：{why}"), format!("Cannot bundle the enterprise file: {why}"))
            }
            ReportError::Pdf(why) => {
                Message::new(format!("生成 PDF 失败：{why}"), format!("Writing the PDF failed: {why}"))
            }
            ReportError::Spreadsheet(why) => {
                Message::new(format!("生成 Excel 表格失败：{why}"), format!("Writing the spreadsheet failed: {why}"))
            }
        }
    }
}
