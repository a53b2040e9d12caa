//! The export file (`safeserve export`, read by `safeserve-server admin import`): everything a
//! laptop database holds, as the server takes it in — the keys its documents were signed with,
//! every record as a change (parents first), and the photo originals. The server reads this
//! file rather than the laptop's database, so it never links the laptop's store.
//!
//! The file is one zstd stream: a first line naming the format, then one JSON object per line;
//! a photo's line gives its length and the original's bytes follow it directly. Both ends
//! stream, so a large demo is never held in memory.

use safeserve_core::message::Message;
use safeserve_core::sync::Change;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};

/// The first line of every export file.
pub const MAGIC: &str = "SafeServe export v1";

/// One entry of an export file.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A device whose signatures the records carry: its public key (hex) and label.
    SigningKey {
        public_key: String,
        label: String,
    },
    Change(Box<Change>),
    /// A photo original, under the SHA-256 (hex) its records name.
    Photo {
        sha256: String,
        bytes: Vec<u8>,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    SigningKey { public_key: String, label: String },
    Change(Box<Change>),
    Photo { sha256: String, len: u64 },
}

#[derive(Debug)]
pub enum ExportError {
    Io(std::io::Error),
    NotAnExport { found: String },
    Line { line: u64, source: serde_json::Error },
    Truncated { line: u64 },
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            Self::Line { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl ExportError {
    /// What to tell the person loading or writing the file, in both languages.
    pub fn message(&self) -> Message {
        match self {
            Self::Io(e) => {
                Message::new(format!("读写导出文件失败：{e}"), format!("could not read or write the export file: {e}"))
            }
            Self::NotAnExport { found } => Message::new(
                format!("这不是 SafeServe 导出文件（开头为 {found:?}），请用 safeserve export 生成"),
                format!("not a SafeServe export file (it begins {found:?}); write one with safeserve export"),
            ),
            Self::Line { line, source } => Message::new(
                format!("导出文件第 {line} 行无法读取：{source}"),
                format!("line {line} of the export file cannot be read: {source}"),
            ),
            Self::Truncated { line } => Message::new(
                format!("导出文件在第 {line} 行的照片中途结束，文件不完整"),
                format!("the export file ends inside the photo on line {line}: it is incomplete"),
            ),
        }
    }
}

/// Writes an export file; [`ExportWriter::finish`] ends the stream (a file not finished is
/// refused by the reader as truncated).
pub struct ExportWriter<W: Write> {
    out: zstd::Encoder<'static, W>,
}

impl<W: Write> ExportWriter<W> {
    pub fn new(out: W) -> Result<Self, ExportError> {
        let mut out = zstd::Encoder::new(out, 3)?;
        writeln!(out, "{MAGIC}")?;
        Ok(Self { out })
    }

    pub fn signing_key(&mut self, public_key: &str, label: &str) -> Result<(), ExportError> {
        self.line(&Line::SigningKey { public_key: public_key.to_owned(), label: label.to_owned() })
    }

    pub fn change(&mut self, change: Change) -> Result<(), ExportError> {
        self.line(&Line::Change(Box::new(change)))
    }

    pub fn photo(&mut self, sha256: &str, bytes: &[u8]) -> Result<(), ExportError> {
        self.line(&Line::Photo { sha256: sha256.to_owned(), len: bytes.len() as u64 })?;
        self.out.write_all(bytes)?;
        Ok(())
    }

    /// Ends the stream and hands back the writer it wrote to.
    pub fn finish(self) -> Result<W, ExportError> {
        Ok(self.out.finish()?)
    }

    fn line(&mut self, line: &Line) -> Result<(), ExportError> {
        serde_json::to_writer(&mut self.out, line).map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
}

/// Reads an export file entry by entry.
pub struct ExportReader<R: Read> {
    input: BufReader<zstd::Decoder<'static, BufReader<R>>>,
    line: u64,
    buf: Vec<u8>,
}

impl<R: Read> ExportReader<R> {
    /// Opens the stream and checks its first line.
    pub fn new(input: R) -> Result<Self, ExportError> {
        let mut reader = Self { input: BufReader::new(zstd::Decoder::new(input)?), line: 1, buf: Vec::new() };
        reader.input.read_until(b'\n', &mut reader.buf).map_err(not_an_export)?;
        let first = String::from_utf8_lossy(&reader.buf);
        if first.trim_end() != MAGIC {
            return Err(ExportError::NotAnExport { found: first.chars().take(40).collect() });
        }
        Ok(reader)
    }

    fn read_entry(&mut self) -> Result<Option<Entry>, ExportError> {
        self.buf.clear();
        self.line += 1;
        if self.input.read_until(b'\n', &mut self.buf)? == 0 {
            return Ok(None);
        }
        let line = self.line;
        let parsed: Line = serde_json::from_slice(&self.buf).map_err(|source| ExportError::Line { line, source })?;
        Ok(Some(match parsed {
            Line::SigningKey { public_key, label } => Entry::SigningKey { public_key, label },
            Line::Change(change) => Entry::Change(change),
            Line::Photo { sha256, len } => {
                let mut bytes = Vec::new();
                (&mut self.input).take(len).read_to_end(&mut bytes)?;
                if bytes.len() as u64 != len {
                    return Err(ExportError::Truncated { line });
                }
                Entry::Photo { sha256, bytes }
            }
        }))
    }
}

/// A stream that is not zstd at all fails on its first read; say so as "not an export".
fn not_an_export(e: std::io::Error) -> ExportError {
    ExportError::NotAnExport { found: e.to_string() }
}

impl<R: Read> Iterator for ExportReader<R> {
    type Item = Result<Entry, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.read_entry().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeserve_core::sync::{Entity, Op};

    fn change(id: &str) -> Change {
        Change {
            change_id: uuid::Uuid::new_v4(),
            entity: Entity::Enterprise,
            record_id: id.into(),
            op: Op::Upsert,
            hlc: 1,
            base_hlc: None,
            node: "d".into(),
            body: Some(
                serde_json::value::to_raw_value(&serde_json::json!({"name": "杭州某某化工有限公司"})).expect("json"),
            ),
        }
    }

    /// Entries compared by what they say (a change's body is raw JSON, without equality).
    fn said(entry: &Entry) -> String {
        match entry {
            Entry::SigningKey { public_key, label } => format!("key {public_key} {label}"),
            Entry::Change(c) => format!("change {}", serde_json::to_string(c).expect("json")),
            Entry::Photo { sha256, bytes } => format!("photo {sha256} {bytes:?}"),
        }
    }

    #[test]
    fn what_is_written_is_read_back_in_order_photos_byte_for_byte() {
        let photo: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        let written = vec![
            Entry::SigningKey { public_key: "ab12".into(), label: "笔记本 1".into() },
            Entry::Change(Box::new(change("e1"))),
            Entry::Photo { sha256: "ff00".into(), bytes: photo },
            Entry::Change(Box::new(change("e2"))),
        ];
        let mut w = ExportWriter::new(Vec::new()).expect("writer");
        for entry in &written {
            match entry.clone() {
                Entry::SigningKey { public_key, label } => w.signing_key(&public_key, &label),
                Entry::Change(c) => w.change(*c),
                Entry::Photo { sha256, bytes } => w.photo(&sha256, &bytes),
            }
            .expect("written");
        }
        let bytes = w.finish().expect("finish");

        let read: Vec<Entry> =
            ExportReader::new(&bytes[..]).expect("reader").collect::<Result<_, _>>().expect("entries");
        assert_eq!(read.iter().map(said).collect::<Vec<_>>(), written.iter().map(said).collect::<Vec<_>>());
    }

    #[test]
    fn a_file_that_is_not_an_export_or_ends_inside_a_photo_is_refused_by_name() {
        assert!(matches!(ExportReader::new(&b"PRAGMA"[..]), Err(ExportError::NotAnExport { .. })));
        let other = zstd::encode_all(&b"SQLite format 3\n"[..], 3).expect("zstd");
        assert!(matches!(ExportReader::new(&other[..]), Err(ExportError::NotAnExport { .. })));

        let mut w = ExportWriter::new(Vec::new()).expect("writer");
        w.change(change("e1")).expect("change");
        let mut raw = Vec::new();
        zstd::stream::copy_decode(&w.finish().expect("finish")[..], &mut raw).expect("decode");
        raw.extend_from_slice(b"{\"photo\":{\"sha256\":\"ff\",\"len\":10}}\nabc");
        let cut = zstd::encode_all(&raw[..], 3).expect("zstd");
        let entries: Vec<_> = ExportReader::new(&cut[..]).expect("reader").collect();
        assert!(matches!(entries[0], Ok(Entry::Change(_))));
        assert!(matches!(entries[1], Err(ExportError::Truncated { line: 3 })), "{entries:?}");
    }
}
