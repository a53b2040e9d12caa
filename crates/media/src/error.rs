//! Why a photo could not be taken in or stored, as a stable code for the UI and a message an
//! inspector can act on.

use safeserve_core::ErrorCode;
use std::path::PathBuf;

use safeserve_core::message::Message;

use crate::sniff::FileKind;

type BoxedError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A photo the pipeline refused, or a store that failed. `code()` is stable across versions (the
/// UI and the logs match on it); `message()` is what the inspector reads.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// Zero bytes: usually a copy that did not finish or a cloud placeholder file.
    #[error("the photo file is empty")]
    Empty,

    /// The magic bytes say this is not a JPEG or a PNG.
    #[error("unsupported file format: {kind:?}")]
    UnsupportedFormat { kind: FileKind },

    /// A JPEG in a colour model the pipeline does not convert (CMYK/YCCK print files).
    #[error("unsupported JPEG colour space: {colorspace}")]
    UnsupportedColorSpace { colorspace: String },

    /// The bytes start like a JPEG/PNG but cannot be decoded (truncated copy, damaged file).
    #[error("the photo is truncated or corrupt")]
    Corrupt {
        #[source]
        source: Option<BoxedError>,
    },

    /// More pixels than the pipeline takes for this format.
    #[error("the photo is too large: {width}x{height} pixels, limit {limit_pixels} pixels")]
    TooLarge { width: u64, height: u64, limit_pixels: u64 },

    /// The disk (or the user's quota) is full; nothing of this photo was stored.
    #[error("disk full while writing {path}")]
    DiskFull {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Any other write failure (permissions, read-only medium, path is a file ...); nothing of this
    /// photo was stored.
    #[error("could not write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A stored photo file is gone or unreadable (a print copy cannot be made from it).
    #[error("could not read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A sealed photo file that does not open: the laptop is signed out (`no_key`), or the file
    /// was changed, damaged, renamed or comes from another laptop.
    #[error("could not open the sealed photo file {path}")]
    Sealed { path: PathBuf, no_key: bool },

    /// `PhotoFiles::store` was given original bytes that do not match `Processed::sha256`.
    #[error("original bytes do not match the processed photo (sha256 {expected})")]
    Mismatch { expected: String },

    /// A step that should not fail did (encoder, resizer, embedded font).
    #[error("internal error while processing the photo: {what}")]
    Internal {
        what: &'static str,
        #[source]
        source: Option<BoxedError>,
    },
}

impl MediaError {
    /// Stable identifier for the UI, logs and tests.
    pub fn code(&self) -> ErrorCode {
        match self {
            MediaError::Empty => ErrorCode::PhotoEmpty,
            MediaError::UnsupportedFormat { .. } | MediaError::UnsupportedColorSpace { .. } => {
                ErrorCode::PhotoUnsupportedFormat
            }
            MediaError::Corrupt { .. } => ErrorCode::PhotoCorrupt,
            MediaError::TooLarge { .. } => ErrorCode::PhotoTooLarge,
            MediaError::DiskFull { .. } => ErrorCode::PhotoDiskFull,
            MediaError::Write { .. } => ErrorCode::PhotoWriteFailed,
            MediaError::Mismatch { .. } => ErrorCode::PhotoMismatch,
            MediaError::Read { .. } => ErrorCode::PhotoMissing,
            MediaError::Sealed { no_key: true, .. } => ErrorCode::SignedOut,
            MediaError::Sealed { no_key: false, .. } => ErrorCode::PhotoMissing,
            MediaError::Internal { .. } => ErrorCode::PhotoInternal,
        }
    }

    /// What the inspector reads: what is wrong and what to do about it.
    pub fn message(&self) -> Message {
        match self {
            MediaError::Empty => Message::new(
                "照片文件是空的（0 字节），可能没有拷贝完整；请从相机或手机重新拷贝原图后再导入",
                "The photo file is empty (0 bytes), probably an unfinished copy. Copy the original again from the camera or phone and import it.",
            ),
            MediaError::UnsupportedFormat { kind } => unsupported_message(*kind),
            MediaError::UnsupportedColorSpace { .. } => Message::new(
                "这张 JPG 使用印刷用的 CMYK 色彩模式，暂不支持；请用看图软件另存为普通 JPG（RGB）后再导入",
                "This JPG uses the CMYK colour model meant for printing, which is not supported. Save it as a normal (RGB) JPG in an image viewer and import that.",
            ),
            MediaError::Corrupt { .. } => Message::new(
                "照片文件不完整或已损坏，无法读取，请重新拷贝原图",
                "The photo file is incomplete or damaged and cannot be read. Copy the original photo again.",
            ),
            MediaError::TooLarge { width, height, limit_pixels } => {
                let mp = |p: u64| (p + 5_000) / 10_000;
                Message::new(
                    format!(
                        "照片像素过大（{width}×{height}，约 {} 万像素），超过上限 {} 万像素；请在相机中选择较低的分辨率重拍，或缩小后再导入",
                        mp(width * height),
                        mp(*limit_pixels)
                    ),
                    format!(
                        "The photo is too large ({width}×{height}, about {:.0} megapixels); the limit is {:.0} megapixels. Choose a lower resolution in the camera, or shrink the image, and import it again.",
                        (width * height) as f64 / 1e6,
                        *limit_pixels as f64 / 1e6
                    ),
                )
            }
            MediaError::DiskFull { path, .. } => Message::new(
                format!("磁盘空间已满，照片没有保存（本次未写入任何文件）；请清理磁盘空间后重新导入。位置：{}", path.display()),
                format!(
                    "The disk is full; the photo was not stored (nothing was written). Free some disk space and import it again. Location: {}",
                    path.display()
                ),
            ),
            MediaError::Write { path, source } => Message::new(
                format!(
                    "无法写入照片文件，照片没有保存（本次未写入任何文件）；请检查照片目录是否可写（是否为只读的 U 盘或没有权限）。位置：{}（{}）",
                    path.display(),
                    source
                ),
                format!(
                    "Could not write the photo; nothing was stored. Check that the photo folder is writable (not a read-only USB stick, permissions). Location: {} ({})",
                    path.display(),
                    source
                ),
            ),
            MediaError::Read { path, source } => Message::new(
                format!("照片文件缺失或无法读取：{}（{}）；请从备份恢复照片目录", path.display(), source),
                format!("The photo file is missing or unreadable: {} ({}). Restore the photo folder from a backup.", path.display(), source),
            ),
            MediaError::Sealed { path, no_key: true } => Message::new(
                format!("照片已加密保存，请先登录后再查看：{}", path.display()),
                format!("The photo is stored encrypted; sign in to see it: {}", path.display()),
            ),
            MediaError::Sealed { path, no_key: false } => Message::new(
                format!(
                    "照片文件无法解密：文件已被改动或损坏，或来自另一台电脑；请从备份恢复照片目录，或重新添加同一张原图。位置：{}",
                    path.display()
                ),
                format!(
                    "The photo file cannot be decrypted: it was changed or damaged, or comes from another laptop. Restore the photo folder from a backup, or add the same original again. Location: {}",
                    path.display()
                ),
            ),
            MediaError::Mismatch { .. } => Message::new(
                "照片内容与处理结果不一致，未保存；请重新导入这张照片",
                "The photo bytes do not match the processed result; nothing was stored. Import the photo again.",
            ),
            MediaError::Internal { what, .. } => Message::new(
                format!("处理照片时出现内部错误（{what}），照片未导入；请重试，如仍失败请联系技术支持"),
                format!("Internal error while processing the photo ({what}); it was not imported. Try again, and contact support if it keeps failing."),
            ),
        }
    }

    pub(crate) fn corrupt(source: impl Into<BoxedError>) -> Self {
        MediaError::Corrupt { source: Some(source.into()) }
    }

    pub(crate) fn internal(what: &'static str, source: impl Into<BoxedError>) -> Self {
        MediaError::Internal { what, source: Some(source.into()) }
    }

    /// Classifies a write failure: disk full (ENOSPC / quota / Windows ERROR_DISK_FULL) or other.
    pub(crate) fn from_write(path: PathBuf, source: std::io::Error) -> Self {
        if is_disk_full(&source) {
            MediaError::DiskFull { path, source }
        } else {
            MediaError::Write { path, source }
        }
    }
}

fn is_disk_full(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    if matches!(e.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded) {
        return true;
    }
    match e.raw_os_error() {
        // ENOSPC, EDQUOT on Linux.
        #[cfg(unix)]
        Some(28) | Some(122) => true,
        // ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL.
        #[cfg(windows)]
        Some(39) | Some(112) => true,
        _ => false,
    }
}

fn unsupported_message(kind: FileKind) -> Message {
    const PICK: &str = "请选择相机拍摄的 JPG 原图或 PNG 图片";
    const PICK_EN: &str = "Choose the camera's original JPG, or a PNG image.";
    match kind {
        FileKind::Heic => Message::new(
            "暂不支持 HEIC 格式照片，请在手机相机设置中选择“兼容性最佳”后重拍，或导出为 JPG",
            "HEIC photos are not supported yet. In the phone's camera settings choose \"Most Compatible\" and take the photo again, or export it as JPG.",
        ),
        FileKind::Avif => Message::new(
            "这是 AVIF 格式图片，暂不支持；请导出为 JPG 后再导入",
            "This is an AVIF image, which is not supported yet. Export it as JPG and import that.",
        ),
        FileKind::Gif => Message::new(
            format!("这是 GIF 动图/图片，不是照片，暂不支持；{PICK}，或另存为 JPG/PNG 后再导入"),
            format!("This is a GIF image, not a photo; GIF is not supported. {PICK_EN} Or save it as JPG/PNG first."),
        ),
        FileKind::Bmp => Message::new(
            format!("这是 BMP 位图文件，暂不支持；请另存为 JPG 或 PNG 后再导入，或{PICK}"),
            format!("This is a BMP bitmap, which is not supported. Save it as JPG or PNG and import that. {PICK_EN}"),
        ),
        FileKind::Webp => Message::new(
            format!("这是 WebP 图片（常见于网页或聊天软件保存的图片），暂不支持；{PICK}，或另存为 JPG/PNG 后再导入"),
            format!("This is a WebP image (usually saved from a web page or a chat app), which is not supported. {PICK_EN} Or save it as JPG/PNG first."),
        ),
        FileKind::Tiff => Message::new(
            "这是 TIFF 图片或相机 RAW 原始文件，暂不支持；请在相机或电脑上导出为 JPG 后再导入",
            "This is a TIFF image or a camera RAW file, which is not supported. Export it as JPG on the camera or computer and import that.",
        ),
        FileKind::Pdf => Message::new(
            format!("这是 PDF 文档，不是照片；{PICK}"),
            format!("This is a PDF document, not a photo. {PICK_EN}"),
        ),
        FileKind::Text => Message::new(
            format!("这是文本文件，不是照片；{PICK}"),
            format!("This is a text file, not a photo. {PICK_EN}"),
        ),
        FileKind::Zip => Message::new(
            format!("这是压缩包或 Office 文档（ZIP 格式），不是照片；请先解压，{PICK}"),
            format!("This is a ZIP archive or an Office document, not a photo. Extract it first. {PICK_EN}"),
        ),
        FileKind::Video => Message::new(
            format!("这是视频文件，不是照片；{PICK}"),
            format!("This is a video file, not a photo. {PICK_EN}"),
        ),
        // Not reached: JPEG and PNG are supported. Kept total so a new kind cannot slip through.
        FileKind::Jpeg | FileKind::Png | FileKind::Unknown => Message::new(
            format!("无法识别的文件格式，不是 JPG 或 PNG 照片；{PICK}"),
            format!("Unrecognised file format: not a JPG or PNG photo. {PICK_EN}"),
        ),
    }
}
