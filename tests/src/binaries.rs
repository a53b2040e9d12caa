//! The workspace's own programs as the tests start them: `safeserve-server`, `safeserve` and
//! `safeserve-desktop`, from the cargo target folder the test was built into.
//!
//! A test of another package's binary cannot make cargo build it (`cargo nextest run` builds a
//! package's own binaries for its tests only), so `./dev test` builds every binary first. This
//! module makes sure that what a test starts is that build and not an older one left in a
//! reused target folder: cargo writes, beside each binary, the list of every source file it was
//! built from (`NAME.d`); a binary older than any of them, or without that list, is refused.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// `NAME` built in `target/<profile>/`, refused when it is missing or older than its sources.
pub fn workspace_binary(profile: &str, name: &str) -> Result<PathBuf> {
    let path = crate::target_dir().join(profile).join(name);
    ensure_fresh(&path)?;
    Ok(path)
}

/// The command that builds what the tests start, named in every refusal.
const BUILD: &str = "cargo build --workspace --all-targets";

/// Fails unless `binary` exists and was built after every source file in its dep-info.
pub fn ensure_fresh(binary: &Path) -> Result<()> {
    let name = binary.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let built = match std::fs::metadata(binary) {
        Ok(m) => m.modified()?,
        Err(_) => bail!("{name} is not built ({}): run `{BUILD}` first (./dev test does)", binary.display()),
    };
    let dep_info = binary.with_file_name(format!("{name}.d"));
    let text = std::fs::read_to_string(&dep_info).with_context(|| {
        format!(
            "{name}: no list of its sources at {}, so whether it is current cannot be told: run `{BUILD}`",
            dep_info.display()
        )
    })?;
    if let Some((source, why)) = first_newer_source(&text, built) {
        bail!(
            "{name} ({}) is older than its sources: {} {why} after it was built. \
             Run `{BUILD}` (./dev test does) so the tests start the code under test",
            binary.display(),
            source.display()
        );
    }
    Ok(())
}

/// The first source named in a Makefile-style dep-info (`target: src1 src2 …`, spaces in
/// paths escaped as `\ `) that changed after `built` or is gone, with what happened to it.
fn first_newer_source(dep_info: &str, built: SystemTime) -> Option<(PathBuf, &'static str)> {
    let line = dep_info.lines().next()?;
    let sources = split_escaped(line.split_once(": ").map_or("", |(_, rest)| rest));
    sources.into_iter().map(PathBuf::from).find_map(|p| match std::fs::metadata(&p).and_then(|m| m.modified()) {
        Ok(t) if t > built => Some((p, "was changed")),
        Ok(_) => None,
        Err(_) => Some((p, "was removed")),
    })
}

fn split_escaped(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => cur.extend(chars.next()),
            ' ' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::{File, FileTimes};
    use std::time::Duration;

    fn set_mtime(path: &Path, t: SystemTime) {
        File::options().write(true).open(path).unwrap().set_times(FileTimes::new().set_modified(t)).unwrap();
    }

    /// A binary, one source in a folder with a space, and the dep-info cargo would write.
    fn built(dir: &Path) -> (PathBuf, PathBuf) {
        let src_dir = dir.join("my crate");
        std::fs::create_dir_all(&src_dir).unwrap();
        let source = src_dir.join("main.rs");
        std::fs::write(&source, "fn main() {}").unwrap();
        let bin = dir.join("safeserve-server");
        std::fs::write(&bin, "binary").unwrap();
        let escaped = source.display().to_string().replace(' ', "\\ ");
        std::fs::write(dir.join("safeserve-server.d"), format!("{}: {escaped}\n", bin.display())).unwrap();
        let now = SystemTime::now();
        set_mtime(&source, now - Duration::from_secs(60));
        set_mtime(&bin, now - Duration::from_secs(30));
        (bin, source)
    }

    #[test]
    fn a_binary_built_after_its_sources_is_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let (bin, _) = built(dir.path());
        ensure_fresh(&bin).unwrap();
    }

    #[test]
    fn a_source_changed_after_the_build_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let (bin, source) = built(dir.path());
        set_mtime(&source, SystemTime::now());
        let e = ensure_fresh(&bin).unwrap_err().to_string();
        assert!(
            e.contains("older than its sources") && e.contains("my crate/main.rs") && e.contains("was changed"),
            "{e}"
        );
    }

    #[test]
    fn a_removed_source_or_a_missing_list_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (bin, source) = built(dir.path());
        std::fs::remove_file(&source).unwrap();
        assert!(ensure_fresh(&bin).unwrap_err().to_string().contains("was removed"));
        std::fs::remove_file(dir.path().join("safeserve-server.d")).unwrap();
        assert!(ensure_fresh(&bin).unwrap_err().to_string().contains("no list of its sources"));
        std::fs::remove_file(&bin).unwrap();
        assert!(ensure_fresh(&bin).unwrap_err().to_string().contains("is not built"));
    }
}
