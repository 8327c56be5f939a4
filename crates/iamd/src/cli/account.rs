//! `iamd account create`: add an account with its own root credentials.
use std::path::PathBuf;

use server::bootstrap;
use server::config::{self, Settings};

#[derive(clap::Args)]
pub struct CreateArgs {
    /// Directory of the database and the master key [env: IAMD_DATA_DIR] [default: ./iamd-data]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The new account's 12-digit id [default: random]
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    /// TOML file with `data_dir` [env: IAMD_CONFIG]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub fn create(args: CreateArgs) -> u8 {
    let flags = Settings {
        data_dir: args.data_dir,
        ..Settings::default()
    };
    let config = match config::load(flags, args.config.as_deref(), env) {
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
        bootstrap::add_account(&store, args.account_id).await
    });
    match result {
        Ok(created) => {
            println!("account id: {}", created.account.account_id);
            println!("root access key id: {}", created.root_access_key_id);
            println!(
                "root secret access key: {} (shown once; keep it now)",
                created.root_secret_access_key.expose()
            );
            0
        }
        Err(e) => {
            eprintln!("iamd: {e}");
            1
        }
    }
}
