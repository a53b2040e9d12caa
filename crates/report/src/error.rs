//! Why a form could not be drawn. Every failure is an error, never a PDF with a hole in it:
//! a hazard list without its photo or with a blank box for a name is not evidence.

use safeserve_core::document::DocumentKind;
use safeserve_core::Message;

#[derive(Debug, thiserror::Error)]
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
    /// An enterprise file's bundle drawn on a cover that is another kind of document.
    #[error("the cover is a {0:?}, not an enterprise file")]
    CoverNotEnterpriseFile(DocumentKind),
    /// A bundled document its enterprise file's index does not list.
    #[error("document {0} is not in the index")]
    NotInIndex(String),
    /// A document the index lists was not handed over with the bundle.
    #[error("document {id} ({kind:?}) listed in the index is missing")]
    ListedMissing { id: String, kind: DocumentKind },
    /// A bundled document is another version than the index records.
    #[error("document {0} is not the version the index records")]
    OtherVersion(String),
    /// The PDF could not be read or written.
    #[error("PDF structure")]
    Pdf(#[from] lopdf::Error),
    #[error("the PDF has no page")]
    NoPages,
    #[error("the PDF has no signature placeholder")]
    NoSignaturePlaceholder,
    #[error("a signature of {0} bytes does not fit its placeholder")]
    SignatureTooLarge(usize),
    /// A shipped font could not be loaded.
    #[error("font {0} is not available")]
    FontMissing(String),
    /// Writing a spreadsheet failed.
    #[error("spreadsheet")]
    Spreadsheet(#[from] rust_xlsxwriter::XlsxError),
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
            ReportError::CoverNotEnterpriseFile(kind) => Message::new(
                format!("无法汇编一企一档：封面应为一企一档，实为{}", kind.label_zh()),
                format!(
                    "Cannot bundle the enterprise file: the cover is a {}, not an enterprise file",
                    kind.label_en()
                ),
            ),
            ReportError::NotInIndex(id) => Message::new(
                format!("无法汇编一企一档：文书 {id} 不在目录中"),
                format!("Cannot bundle the enterprise file: document {id} is not in its index"),
            ),
            ReportError::ListedMissing { id, kind } => Message::new(
                format!("无法汇编一企一档：缺少目录所列文书 {id}（{}）", kind.label_zh()),
                format!("Cannot bundle the enterprise file: the {} {id} its index lists is missing", kind.label_en()),
            ),
            ReportError::OtherVersion(id) => Message::new(
                format!("无法汇编一企一档：文书 {id} 与目录所记版本不符"),
                format!("Cannot bundle the enterprise file: document {id} is not the version its index records"),
            ),
            ReportError::Pdf(e) => Message::new(format!("生成 PDF 失败：{e}"), format!("Writing the PDF failed: {e}")),
            ReportError::NoPages => {
                Message::new("生成 PDF 失败：文件没有页面", "Writing the PDF failed: it has no page")
            }
            ReportError::NoSignaturePlaceholder => Message::new(
                "无法签署 PDF：文件中没有签名位置",
                "Cannot sign the PDF: it has no place for the signature",
            ),
            ReportError::SignatureTooLarge(bytes) => Message::new(
                format!("无法签署 PDF：{bytes} 字节的签名放不进签名位置"),
                format!("Cannot sign the PDF: a signature of {bytes} bytes does not fit its place"),
            ),
            ReportError::FontMissing(face) => Message::new(
                format!("生成 PDF 失败：字体 {face} 不可用"),
                format!("Writing the PDF failed: the font {face} is not available"),
            ),
            ReportError::Spreadsheet(e) => {
                Message::new(format!("生成 Excel 表格失败：{e}"), format!("Writing the spreadsheet failed: {e}"))
            }
        }
    }
}
