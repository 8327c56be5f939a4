//! `iamd workload bind|list|unbind`: which workloads receive which role's credentials
//! from the instance metadata endpoint (one listen address per binding) or the
//! container credential endpoint (one secret token per binding). Acts on the data dir,
//! like `iamd account create`; a running server picks changes up within a second.
use std::net::SocketAddr;
use std::path::PathBuf;

use super::data_dir::with_store;
use server::workload::container;
use store::api::*;
use store::{NewWorkloadBinding, SqliteStore, WorkloadBinding, WorkloadKind};

#[derive(clap::Args)]
pub struct Common {
    /// Directory of the database and the master key [env: IAMD_DATA_DIR] [default: ./iamd-data]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// TOML file with `data_dir`, `listen` and `[[workload]]` entries [env: IAMD_CONFIG]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["instance_profile", "role"])))]
pub struct BindArgs {
    /// The workload's name (unique)
    pub name: String,
    /// Serve this instance profile's role on an IMDSv2-compatible endpoint (needs --listen)
    #[arg(long, value_name = "NAME", requires = "listen")]
    pub instance_profile: Option<String>,
    /// Address of the binding's own IMDS endpoint, e.g. 127.0.0.1:8182
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Serve this role on the container credential endpoint (a secret token is printed once)
    #[arg(long, value_name = "NAME", conflicts_with = "listen")]
    pub role: Option<String>,
    /// The account of the instance profile or role [default: the only account]
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Args)]
pub struct UnbindArgs {
    /// The workload's name
    pub name: String,
    #[command(flatten)]
    pub common: Common,
}

/// The account named, or the only one.
async fn account(store: &SqliteStore, requested: Option<String>) -> Result<String, String> {
    if let Some(id) = requested {
        return match store.get_account(&id).await.map_err(|e| e.message)? {
            Some(_) => Ok(id),
            None => Err(format!("no account {id}")),
        };
    }
    let accounts = store.list_accounts().await.map_err(|e| e.message)?;
    match accounts.as_slice() {
        [only] => Ok(only.account_id.clone()),
        [] => Err("the data dir has no account yet".to_owned()),
        _ => Err("several accounts: name one with --account-id".to_owned()),
    }
}

pub fn bind(args: BindArgs) -> u8 {
    let BindArgs {
        name,
        instance_profile,
        listen,
        role,
        account_id,
        common,
    } = args;
    with_store(
        common.data_dir,
        common.config,
        async move |store, config| {
            let account_id = account(store, account_id).await?;
            if name.is_empty() || name.len() > 128 {
                return Err("a workload name has 1 to 128 characters".to_owned());
            }
            let (kind, target, token) = match (instance_profile, role) {
                (Some(profile), _) => {
                    store
                        .get_instance_profile(&account_id, &profile)
                        .await
                        .map_err(|e| e.message)?;
                    (WorkloadKind::Imds, profile, None)
                }
                (None, Some(role)) => {
                    store
                        .get_role(&account_id, &role)
                        .await
                        .map_err(|e| e.message)?;
                    (WorkloadKind::Container, role, Some(container::new_token()))
                }
                (None, None) => return Err("name --instance-profile or --role".to_owned()),
            };
            let listen = match listen {
                Some(text) => {
                    let addr: SocketAddr = text
                        .parse()
                        .map_err(|_| format!("--listen: not a socket address: {text}"))?;
                    if addr.port() == 0 {
                        return Err(
                            "--listen: the workload must know the port; 0 is not one".into()
                        );
                    }
                    Some(addr.to_string())
                }
                None => None,
            };
            // The server would refuse to start with both; say so now.
            if let Some(declared) = config.workloads.iter().find(|w| {
                w.name.to_lowercase() == name.to_lowercase()
                    || (listen.is_some() && w.listen == listen)
            }) {
                return Err(format!(
                "the configuration file declares the workload {} with that name or listen address",
                declared.name
            ));
            }
            let binding = store
                .create_workload_binding(NewWorkloadBinding {
                    name,
                    kind,
                    account_id,
                    target,
                    listen,
                    token_sha256: token.as_ref().map(|(_, hash)| hash.clone()),
                })
                .await
                .map_err(|e| e.message)?;
            print_binding(&binding);
            if let Some(listen) = &binding.listen {
                println!("AWS_EC2_METADATA_SERVICE_ENDPOINT=http://{listen}/");
            }
            if let Some((token, _)) = token {
                println!(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://{}{}",
                    config.listen,
                    container::PATH
                );
                // Shown once: only its hash is stored.
                println!("AWS_CONTAINER_AUTHORIZATION_TOKEN={token}");
                println!("(the token is shown once; keep it now)");
            }
            Ok(())
        },
    )
}

fn print_binding(b: &WorkloadBinding) {
    println!("workload: {}", b.name);
    println!("kind: {}", b.kind.as_str());
    println!("account id: {}", b.account_id);
    match b.kind {
        WorkloadKind::Imds => println!("instance profile: {}", b.target),
        WorkloadKind::Container => println!("role: {}", b.target),
    }
    println!("workload id: {}", b.workload_id);
}

pub fn list(args: ListArgs) -> u8 {
    with_store(
        args.common.data_dir,
        args.common.config,
        async |store, _| {
            let bindings = store
                .list_workload_bindings()
                .await
                .map_err(|e| e.message)?;
            println!("NAME\tKIND\tACCOUNT\tTARGET\tLISTEN\tWORKLOAD ID\tCREATED");
            for b in bindings {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    b.name,
                    b.kind.as_str(),
                    b.account_id,
                    b.target,
                    b.listen.as_deref().unwrap_or("-"),
                    b.workload_id,
                    b.created.iso8601()
                );
            }
            Ok(())
        },
    )
}

pub fn unbind(args: UnbindArgs) -> u8 {
    let name = args.name;
    with_store(
        args.common.data_dir,
        args.common.config,
        async move |store, _| {
            store
                .delete_workload_binding(&name)
                .await
                .map_err(|e| e.message)?;
            println!("unbound: {name}");
            Ok(())
        },
    )
}
