//! `iamd audit verify` and `iamd audit tail`: the audit trail, read from the data
//! directory without a server.
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use server::config::{self, Settings, AUDIT_SUBDIR};

#[derive(clap::Args)]
pub struct DirArgs {
    /// Data directory whose `audit/` to read [env: IAMD_DATA_DIR] [default: ./iamd-data]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The audit directory itself, when it is not `<data-dir>/audit` [env: IAMD_AUDIT_DIR]
    #[arg(long, value_name = "DIR")]
    pub audit_dir: Option<PathBuf>,
    /// TOML file with `data_dir`, `audit_dir` [env: IAMD_CONFIG]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct TailArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    /// Records to print from the end
    #[arg(short = 'n', long = "lines", value_name = "N", default_value_t = 20)]
    pub lines: usize,
    /// Keep printing records as they are written
    #[arg(short = 'f', long)]
    pub follow: bool,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The audit directory the flags, environment and config file name (even when
/// auditing is turned off there: what was written can still be read).
fn audit_dir(args: DirArgs) -> Result<PathBuf, String> {
    let flags = Settings {
        data_dir: args.data_dir,
        audit_dir: args.audit_dir,
        audit: Some(true),
        ..Settings::default()
    };
    let config = config::load(flags, args.config.as_deref(), env)?;
    Ok(config
        .audit_dir
        .unwrap_or_else(|| config.data_dir.join(AUDIT_SUBDIR)))
}

/// Exit 0 when intact (with a summary), 1 when anything is wrong (each problem on its
/// own line), 2 when the directory cannot be read.
pub fn verify(args: DirArgs) -> u8 {
    let dir = match audit_dir(args) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("iamd: {e}");
            return 2;
        }
    };
    let report = match audit::verify::verify(&dir) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("iamd: {e}");
            return 2;
        }
    };
    let mut out = std::io::stdout().lock();
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if report.is_intact() {
        let _ = writeln!(out, "{}", audit::verify::summary(&report));
        return 0;
    }
    for problem in &report.problems {
        let _ = writeln!(out, "TAMPERED: {problem}");
    }
    let _ = writeln!(
        out,
        "audit trail NOT intact: {} problems in {} ({} records, {} log files, {} digests checked)",
        report.problems.len(),
        dir.display(),
        report.records,
        report.files,
        report.digests
    );
    1
}

pub fn tail(args: TailArgs) -> u8 {
    let dir = match audit_dir(args.dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("iamd: {e}");
            return 2;
        }
    };
    let print = |lines: Vec<Vec<u8>>| -> bool {
        let mut out = std::io::stdout().lock();
        for line in lines {
            if writeln!(out, "{}", audit::tail::render(&line)).is_err() {
                return false;
            }
        }
        out.flush().is_ok()
    };
    // The follower starts before the last lines are read, so none falls between.
    let follower = if args.follow {
        match audit::tail::Follower::at_end(&dir) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("iamd: {}: {e}", dir.display());
                return 2;
            }
        }
    } else {
        None
    };
    match audit::tail::last_lines(&dir, args.lines) {
        Ok(lines) => {
            if !print(lines) {
                return 0;
            }
        }
        Err(e) => {
            eprintln!("iamd: {}: {e}", dir.display());
            return 2;
        }
    }
    let Some(mut follower) = follower else {
        return 0;
    };
    loop {
        match follower.poll() {
            Ok(lines) => {
                if !print(lines) {
                    return 0;
                }
            }
            Err(e) => {
                eprintln!("iamd: {}: {e}", dir.display());
                return 1;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
