//! Reading a write-ahead log before SQLite does. When SQLite recovers a WAL it stops at the
//! first frame whose checksum fails and quietly forgets every frame after it — committed,
//! acknowledged saves included — and the next checkpoint makes the loss permanent. A flipped
//! bit in a WAL left by a crash would so drop evidence without a word. This module walks the
//! frames first, with the same checksums SQLite uses (https://sqlite.org/fileformat.html#walformat),
//! and tells a torn last write (normal after a crash: that transaction was never acknowledged)
//! from damage followed by committed transactions.
//!
//! SQLCipher encrypts the pages inside the frames but leaves the WAL's headers as SQLite
//! writes them, so the same walk holds for an encrypted laptop's database.

use std::path::Path;

const HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

/// What the walk found wrong with a WAL, when committed work would be lost by opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalDamage {
    /// The WAL's own header fails its checksum while frames follow it: SQLite would ignore
    /// the whole log.
    Header { frames: u64 },
    /// Frame `frame` (counted from 1) fails its checksum, and `commits_after` committed
    /// transactions follow it that SQLite would drop.
    Frame { frame: u64, commits_after: u64 },
}

impl WalDamage {
    /// The damage in words, Chinese then English.
    pub fn describe(&self) -> (String, String) {
        match self {
            Self::Header { frames } => (
                format!("预写日志（-wal）的文件头已损坏，其后 {frames} 帧未写入数据库"),
                format!("the write-ahead log's header is damaged, with {frames} frames not yet in the database"),
            ),
            Self::Frame { frame, commits_after } => (
                format!("预写日志（-wal）第 {frame} 帧已损坏，其后还有 {commits_after} 次已保存的修改"),
                format!("frame {frame} of the write-ahead log is damaged, with {commits_after} saved changes after it"),
            ),
        }
    }
}

/// The WAL beside the database at `db`: `NAME-wal`.
pub fn wal_path(db: &Path) -> std::path::PathBuf {
    super::sibling(db, "-wal")
}

/// Checks the WAL beside `db`, if there is one. `Ok(())` when there is none, it is empty, or
/// its only fault is a last transaction cut short (which SQLite rightly discards).
pub fn check(db: &Path) -> std::io::Result<Result<(), WalDamage>> {
    match std::fs::read(wal_path(db)) {
        Ok(bytes) => Ok(check_bytes(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ok(())),
        Err(e) => Err(e),
    }
}

/// The checksum SQLite keeps over a WAL: pairs of 32-bit words, read in the byte order the
/// magic number names, folded into two running sums.
fn checksum(big_endian: bool, data: &[u8], mut s: (u32, u32)) -> (u32, u32) {
    let word = |b: &[u8]| {
        let b = [b[0], b[1], b[2], b[3]];
        if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    for pair in data.chunks_exact(8) {
        s.0 = s.0.wrapping_add(word(&pair[0..4])).wrapping_add(s.1);
        s.1 = s.1.wrapping_add(word(&pair[4..8])).wrapping_add(s.0);
    }
    s
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

pub(crate) fn check_bytes(wal: &[u8]) -> Result<(), WalDamage> {
    if wal.len() < HEADER {
        return Ok(());
    }
    let magic = be32(wal, 0);
    if magic & !1 != 0x377f_0682 {
        // Not a log SQLite would read either (a zeroed or foreign file): nothing it could lose.
        return Ok(());
    }
    let big_endian = magic & 1 == 1;
    let page_size = match be32(wal, 8) {
        1 => 65536,
        n => n as usize,
    };
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Ok(());
    }
    let frame_size = FRAME_HEADER + page_size;
    let frames = ((wal.len() - HEADER) / frame_size) as u64;
    let salts = (be32(wal, 16), be32(wal, 20));
    let header_sum = checksum(big_endian, &wal[..24], (0, 0));
    if header_sum != (be32(wal, 24), be32(wal, 28)) {
        // A frame with this header's salts means the log was in use; SQLite would ignore all
        // of it.
        let in_use = (0..frames).any(|i| {
            let at = HEADER + i as usize * frame_size;
            (be32(wal, at + 8), be32(wal, at + 12)) == salts
        });
        return if in_use { Err(WalDamage::Header { frames }) } else { Ok(()) };
    }

    // Each frame's checksum continues from the previous frame's stored one, so frames after a
    // damaged one can still be checked against the chain: a bit flipped inside a frame leaves
    // the frames after it verifying, which a torn write at the end never does. A flip in the
    // stored checksum itself is covered by also trying the damaged frame's recomputed sum.
    let frame_at = |i: u64| &wal[HEADER + i as usize * frame_size..HEADER + (i as usize + 1) * frame_size];
    let salted = |i: u64| (be32(frame_at(i), 8), be32(frame_at(i), 12)) == salts;
    // Frames after the last one with this log's salts are left from an earlier generation.
    let Some(last) = (0..frames).rev().find(|&i| salted(i)) else { return Ok(()) };
    let mut starts = vec![header_sum];
    // The damaged frame (counted from 1), whether its header marks it a commit, and the
    // commits that verify after it.
    let mut damaged: Option<(u64, bool)> = None;
    let mut commits_after = 0;
    for i in 0..=last {
        let frame = frame_at(i);
        let stored = (be32(frame, 16), be32(frame, 20));
        let sums: Vec<_> = starts
            .iter()
            .map(|&s| checksum(big_endian, &frame[FRAME_HEADER..], checksum(big_endian, &frame[..8], s)))
            .collect();
        if salted(i) && sums.contains(&stored) {
            if damaged.is_some() && be32(frame, 4) != 0 {
                commits_after += 1;
            }
            starts = vec![stored];
        } else if damaged.is_none() {
            damaged = Some((i + 1, be32(frame, 4) != 0));
            starts = vec![stored, sums[0]];
        } else {
            // A second failure: the chain is no longer a witness; stop counting.
            break;
        }
    }
    // With `synchronous=FULL` every acknowledged commit was on disk before the next began, so
    // only the last transaction can be torn. One commit after a damaged frame that is not
    // itself a commit is that last transaction's own: never acknowledged, rightly dropped.
    match damaged {
        Some((frame, is_commit)) if commits_after >= 2 || (commits_after == 1 && is_commit) => {
            Err(WalDamage::Frame { frame, commits_after })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// A database left as a killed process leaves it: committed transactions in the WAL, no
    /// checkpoint. Returns the WAL's bytes.
    fn crashed_wal(dir: &Path, transactions: usize) -> Vec<u8> {
        let db = dir.join("t.db");
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(x TEXT);").unwrap();
        for i in 0..transactions {
            conn.execute("INSERT INTO t VALUES (?1)", [format!("保存 {i}")]).unwrap();
        }
        let wal = std::fs::read(wal_path(&db)).unwrap();
        // Dropping the connection would checkpoint and delete the log; a killed process does not.
        std::mem::forget(conn);
        wal
    }

    #[test]
    fn a_whole_log_and_one_cut_short_at_its_end_both_pass() {
        let dir = tempfile::tempdir().unwrap();
        let wal = crashed_wal(dir.path(), 5);
        assert_eq!(check_bytes(&wal), Ok(()));
        // A last transaction half written: its final frame's bytes never reached the disk.
        let cut = &wal[..wal.len() - 100];
        assert_eq!(check_bytes(cut), Ok(()));
        let mut torn = wal.clone();
        let last = torn.len() - 10;
        torn[last] ^= 0x01;
        assert_eq!(check_bytes(&torn), Ok(()), "the damaged frame is the last commit: never acknowledged");
    }

    #[test]
    fn a_bit_flipped_in_a_frame_before_later_commits_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let mut wal = crashed_wal(dir.path(), 5);
        let page_size = be32(&wal, 8) as usize;
        // Inside the second frame's page.
        let at = HEADER + (FRAME_HEADER + page_size) + FRAME_HEADER + 700;
        wal[at] ^= 0x10;
        match check_bytes(&wal) {
            Err(WalDamage::Frame { frame: 2, commits_after }) => assert!(commits_after >= 3, "{commits_after}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_damaged_header_over_frames_in_use_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let mut wal = crashed_wal(dir.path(), 2);
        wal[12] ^= 0x01; // the checkpoint sequence, covered by the header checksum
        assert!(matches!(check_bytes(&wal), Err(WalDamage::Header { .. })));
    }

    #[test]
    fn a_bit_flipped_in_a_frame_header_before_later_commits_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let wal = crashed_wal(dir.path(), 5);
        let page_size = be32(&wal, 8) as usize;
        // The second frame's page number, a salt, and its stored checksum, one at a time.
        for field in [0, 8, 16] {
            let mut flipped = wal.clone();
            flipped[HEADER + FRAME_HEADER + page_size + field + 3] ^= 0x04;
            assert!(
                matches!(check_bytes(&flipped), Err(WalDamage::Frame { frame: 2, .. })),
                "field at {field}: {:?}",
                check_bytes(&flipped)
            );
        }
    }
}
