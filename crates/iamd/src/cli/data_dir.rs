//! The offline subcommands that act on a data directory (`account`, `workload`): load
//! the configuration, open the store, run one action, turn the outcome into an exit
//! status.
use std::path::PathBuf;

use server::bootstrap;
use server::config::{self, Settings};
use store::SqliteStore;

/// Reads the environment as the server does: an empty variable counts as unset.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Opens the data dir (`--data-dir`, `--config`, then the environment) and runs `action`
/// on the store; prints its error and returns the exit status: 2 for a bad
/// configuration, 1 when the action fails, 0 otherwise.
pub fn with_store<F>(data_dir: Option<PathBuf>, config_file: Option<PathBuf>, action: F) -> u8
where
    F: AsyncFnOnce(&SqliteStore, &server::Config) -> Result<(), String>,
{
    let flags = Settings {
        data_dir,
        ..Settings::default()
    };
    let config = match config::load(flags, config_file.as_deref(), env) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("iamd: {e}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("iamd: cannot start the runtime: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(async {
        let store = bootstrap::open_store(&config.data_dir, &env)?;
        action(&store, &config).await
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("iamd: {e}");
            1
        }
    }
}
