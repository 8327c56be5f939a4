//! `iamd account create`: add an account with its own root credentials.
use std::path::PathBuf;

use server::bootstrap;

use super::data_dir::with_store;

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

pub fn create(args: CreateArgs) -> u8 {
    with_store(args.data_dir, args.config, async |store, _| {
        let created = bootstrap::add_account(store, args.account_id).await?;
        println!("account id: {}", created.account.account_id);
        println!("root access key id: {}", created.root_access_key_id);
        println!(
            "root secret access key: {} (shown once; keep it now)",
            created.root_secret_access_key.expose()
        );
        Ok(())
    })
}
