//! `safeserve-server serve --data DIR` and its administration subcommands.

use clap::{Parser, Subcommand};
use safeserve_server::scope::Role;
use safeserve_server::storage::Storage;
use safeserve_server::{admin, api, backup, bureau, photos, sqlite};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "safeserve-server", version, about = "SafeServe central server / 安全服务监管中心服务器")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API until SIGINT/SIGTERM.
    Serve {
        /// Folder holding server.db and photos/ (created if missing).
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8470")]
        listen: SocketAddr,
        /// Serve HTTPS with this certificate chain (PEM); without it the server speaks plain
        /// HTTP, for a TLS proxy in front of it (see docs/operations.md).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The private key (PEM) of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// The address the public reaches this server at (`https://verify.example.gov.cn`):
        /// laptops enrolled from now on print it in their documents' QR codes, which open its
        /// `/verify/{code}` page.
        #[arg(long)]
        public_url: Option<String>,
    },
    /// Users, devices and imports.
    Admin {
        #[arg(long)]
        data: PathBuf,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Users: `user add NAME --role technician --agency ID` or `--role inspector --division 3301`.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print a one-time enrolment code for a user's laptop (valid 24 hours).
    Enroll {
        #[arg(long)]
        user: String,
    },
    /// Print a one-time code that lets a user who forgot their laptop password set a new one
    /// on a laptop enrolled to them (valid 24 hours; the laptop must reach the server).
    ResetPassword {
        #[arg(long)]
        user: String,
    },
    /// Load an export file written by `safeserve export` (registers, or everything with
    /// visits, signed documents and photos) into the server.
    Import {
        #[arg(long)]
        from: PathBuf,
    },
    /// Copy the data folder (database, photos, the bureau's authority) into DIR while the
    /// server serves; DIR is made, or an earlier backup there brought up to date.
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
    /// Check a backup whole and show what it holds; with --yes, bring it back into the data
    /// folder (the server stopped; what it replaces is kept aside).
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        yes: bool,
    },
    /// List enrolled devices.
    Devices,
    /// Every laptop's audit log as it was sent, each chain checked (`--entries`: every entry).
    Audit {
        #[arg(long)]
        entries: bool,
    },
    /// Revoke a device: its tokens stop working at once.
    Revoke {
        #[arg(long)]
        device: String,
    },
    /// The bureau's certificate authority, which vouches for every laptop's PDF signatures.
    Ca {
        #[command(subcommand)]
        command: CaCommand,
    },
}

#[derive(Subcommand)]
enum CaCommand {
    /// Make the authority, naming the bureau (before the first enrolment; `serve` otherwise
    /// makes one named 安全生产监督管理部门).
    Init {
        #[arg(long)]
        bureau: String,
    },
    /// Write the root certificate (PEM) for PDF readers to trust: to --out, or to standard output.
    Export {
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    Add {
        name: String,
        /// technician, inspector, supervisor or admin
        #[arg(long, value_parser = role)]
        role: Role,
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        division: Option<String>,
        /// The person in the register this user is (their id): documents signed on the user's
        /// laptop carry that person's name and certificates.
        #[arg(long)]
        person: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "safeserve_server=info".into()),
        )
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn role(key: &str) -> Result<Role, String> {
    Role::from_key(key).ok_or_else(|| "one of technician, inspector, supervisor, admin".to_owned())
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { data, listen, tls_cert, tls_key, public_url } => {
            let tls = tls_cert.zip(tls_key).map(|(cert, key)| safeserve_server::TlsFiles { cert, key });
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(safeserve_server::serve(&data, listen, tls.as_ref(), public_url.as_deref()))
        }
        Command::Admin { data, command } => {
            // Opened by the commands that use it: a backup reads the database on its own, and a
            // restore must not make one in the folder it restores into.
            let storage = || sqlite::SqliteStorage::open(&data);
            let now = api::now_ms();
            match command {
                AdminCommand::User { command: UserCommand::Add { name, role, agency, division, person } } => {
                    admin::add_user(&storage()?, &name, role, agency, division, person)?;
                    println!("用户 {name} 已保存 / user {name} saved");
                }
                AdminCommand::Enroll { user } => {
                    println!("{}", admin::enroll(&storage()?, &user, now)?);
                }
                AdminCommand::ResetPassword { user } => {
                    println!("{}", admin::reset_password(&storage()?, &user, now)?);
                }
                AdminCommand::Import { from } => {
                    let started = std::time::Instant::now();
                    let (n, refused) = admin::import(&storage()?, &photos::PhotoFiles::new(&data)?, &from, now)?;
                    println!(
                        "导入 {n} 条记录（拒收 {refused}），用时 {:.1} 秒 / imported {n} records ({refused} refused)",
                        started.elapsed().as_secs_f64()
                    );
                }
                AdminCommand::Devices => {
                    for d in storage()?.devices()? {
                        println!(
                            "{}\t{}\t{}\t{}\tskew_ms={}",
                            d.id,
                            d.user,
                            d.label,
                            if d.revoked_at_ms.is_some() { "revoked" } else { "active" },
                            d.clock_skew_ms.map(|s| s.to_string()).unwrap_or_default()
                        );
                    }
                }
                AdminCommand::Audit { entries } => {
                    for chain in admin::audit(&storage()?)? {
                        let verdict = match chain.broken_at {
                            None => "链条完整 / the chain is whole".to_owned(),
                            Some(seq) => format!(
                                "第 {seq} 条起断开（条目被改动或删除，或本机曾从备份恢复）/ broken from entry {seq}"
                            ),
                        };
                        println!(
                            "{}\t{}\t{} 条 / entries\t{verdict}",
                            chain.node,
                            chain.devices.join(", "),
                            chain.entries.len()
                        );
                        for e in chain.entries.iter().filter(|_| entries) {
                            let a = &e.entry;
                            println!(
                                "  {}\t{}\t{}\t{}\t{}\t{}\t{}",
                                e.seq,
                                a.at,
                                a.user_name,
                                a.role.map_or("", |r| r.label_zh()),
                                a.act.label_zh(),
                                a.subject,
                                a.detail
                            );
                        }
                    }
                }
                AdminCommand::Ca { command: CaCommand::Init { bureau } } => {
                    bureau::Bureau::create(&data, &bureau)?;
                    println!("已为 {bureau} 建立文书签发机构 / the bureau's authority is made");
                }
                AdminCommand::Ca { command: CaCommand::Export { out } } => {
                    let pem = bureau::Bureau::load_or_create(&data)?.root_pem()?;
                    match out {
                        Some(path) => {
                            std::fs::write(&path, pem)?;
                            println!("根证书已写入 / root certificate written: {}", path.display());
                        }
                        None => print!("{pem}"),
                    }
                }
                AdminCommand::Backup { to } => {
                    let started = std::time::Instant::now();
                    let m = backup::take(&data, &to, now)?;
                    println!("{}", holding(&m));
                    let secs = started.elapsed().as_secs_f64();
                    println!("备份完成，用时 {secs:.1} 秒 / backup taken in {secs:.1} s: {}", to.display());
                    missing_photos(&m);
                }
                AdminCommand::Restore { from, yes } => {
                    if !yes {
                        let m = backup::inspect(&from)?;
                        println!("{}", holding(&m));
                        missing_photos(&m);
                        println!("备份完好。停止服务器后加 --yes 恢复 / the backup is whole; stop the server and add --yes to restore it");
                        return Ok(());
                    }
                    let r = backup::restore(&from, &data, now)?;
                    println!("{}", holding(&r.manifest));
                    missing_photos(&r.manifest);
                    for p in &r.kept_aside {
                        println!("原文件已保留 / kept aside: {}", p.display());
                    }
                    let n = r.photos_copied;
                    println!("已恢复（复制照片 {n} 张）/ restored ({n} photos copied)");
                }
                AdminCommand::Revoke { device } => {
                    if !storage()?.revoke_device(&device, now)? {
                        anyhow::bail!("没有该设备或已停用 / no such active device");
                    }
                    println!("设备 {device} 已停用 / revoked");
                }
            }
            Ok(())
        }
    }
}

/// What a backup holds, in one line for the administrator.
fn holding(m: &backup::Manifest) -> String {
    let taken = chrono::DateTime::from_timestamp_millis(m.taken_ms)
        .map(|t| t.with_timezone(&safeserve_core::shanghai()).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default();
    format!(
        "备份时间 {taken}（服务器 {}，数据库版本 {}）：用户 {}，设备 {}，变更 {}，照片 {}（{:.1} MB）/ \
         taken {taken} (China time): {} users, {} devices, {} changes, {} photos",
        m.server_version,
        m.schema,
        m.users,
        m.devices,
        m.changes,
        m.photos,
        m.photo_bytes as f64 / 1e6,
        m.users,
        m.devices,
        m.changes,
        m.photos
    )
}

/// Photos the server recorded but did not hold whole when the backup was taken, each named.
fn missing_photos(m: &backup::Manifest) {
    for sha in &m.photos_missing {
        eprintln!("警告：服务器上照片 {sha} 缺失或已损坏，未在备份中 / warning: photo {sha} was missing or damaged on the server, not in the backup");
    }
}
