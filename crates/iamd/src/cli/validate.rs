//! `iamd policy validate`.
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The kind of policy the files hold.
    #[arg(long, default_value = "identity")]
    pub kind: String,
    /// Policy documents to validate.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(_args: Args) -> u8 {
    eprintln!("iamd policy validate: not implemented yet");
    2
}
