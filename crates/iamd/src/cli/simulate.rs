//! `iamd policy simulate`.
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// JSON of a SimulateCustomPolicy request (the shape of `--generate-cli-skeleton`).
    #[arg(long)]
    pub input: PathBuf,
    /// Add a human-readable trace of the evaluation.
    #[arg(long)]
    pub explain: bool,
}

pub fn run(_args: Args) -> u8 {
    eprintln!("iamd policy simulate: not implemented yet");
    2
}
