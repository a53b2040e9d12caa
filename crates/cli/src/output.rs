//! The program's standard output. A closed pipe (the reader stopped: `safeserve visits --json |
//! head -1`) ends the program at once with status 0 and nothing on stderr, as ripgrep does;
//! any other failure to write is an error in both languages. Errors go to stderr, Chinese
//! first.

use safeserve_core::Message;
use std::fmt::Arguments;
use std::io::{self, Write};
use std::process::ExitCode;

/// An error for the person at the terminal, Chinese first: status 2.
pub fn error(m: &Message) -> ExitCode {
    eprintln!("错误：{}\nerror: {}", m.zh, m.en);
    ExitCode::from(2)
}

pub fn line(args: Arguments<'_>) {
    let mut out = io::stdout().lock();
    ended(out.write_fmt(args).and_then(|()| out.write_all(b"\n")));
}

/// One JSON line (`--json`): the value serialised straight onto standard output.
pub fn json(value: &impl serde::Serialize) {
    let mut out = io::stdout().lock();
    let written = serde_json::to_writer(&mut out, value).map_err(io::Error::from);
    ended(written.and_then(|()| out.write_all(b"\n")));
}

/// As [`json`], indented for a person to read.
pub fn json_pretty(value: &impl serde::Serialize) {
    let mut out = io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, value).map_err(io::Error::from);
    ended(written.and_then(|()| out.write_all(b"\n")));
}

pub fn raw(args: Arguments<'_>) {
    ended(io::stdout().lock().write_fmt(args));
}

fn ended(result: io::Result<()>) {
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("错误：无法写出结果（{e}）\nerror: cannot write the output ({e})");
            std::process::exit(2);
        }
    }
}
