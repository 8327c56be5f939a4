//! The `iamd` binary: the server and the offline policy tools.
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

#[derive(Parser)]
#[command(
    name = "iamd",
    version,
    about = "Self-hosted, AWS-compatible IAM and STS"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Offline policy tools: validate, simulate and check policies without a server.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Run the IAM endpoint.
    Serve(cli::serve::Args),
    /// Manage accounts in a data directory.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Bind workloads to instance profiles or roles (workload credential endpoints).
    #[command(subcommand)]
    Workload(WorkloadCommand),
    /// Read the audit trail: verify it against its signed digests, or print it.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand)]
enum WorkloadCommand {
    /// Bind a workload to an instance profile (IMDS endpoint) or a role (container endpoint).
    Bind(cli::workload::BindArgs),
    /// List the bindings.
    List(cli::workload::ListArgs),
    /// Remove a binding; its workload gets no more credentials.
    Unbind(cli::workload::UnbindArgs),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every record and log file against the signed digests; exit 1 on tampering.
    Verify(cli::audit::DirArgs),
    /// Print the last records, one line each (time, principal, event, source, result).
    Tail(cli::audit::TailArgs),
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Add an account with its own root credentials and print them.
    Create(cli::account::CreateArgs),
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Parse and validate policy documents; print findings as FILE:LINE:COL.
    Validate(cli::validate::Args),
    /// Evaluate a SimulateCustomPolicy request offline and print AWS's JSON answer.
    Simulate(cli::simulate::Args),
    /// Does the new policy allow anything the existing one does not? (CheckNoNewAccess)
    CheckNoNewAccess(cli::check::NoNewAccessArgs),
    /// Can the policy ever grant the listed actions or resources? (CheckAccessNotGranted)
    CheckAccessNotGranted(cli::check::AccessNotGrantedArgs),
    /// Can the resource-based policy grant public access? (CheckNoPublicAccess)
    CheckNoPublicAccess(cli::check::NoPublicAccessArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Policy(PolicyCommand::Validate(args)) => cli::validate::run(args),
        Command::Policy(PolicyCommand::Simulate(args)) => cli::simulate::run(args),
        Command::Policy(PolicyCommand::CheckNoNewAccess(args)) => {
            cli::check::run_no_new_access(args)
        }
        Command::Policy(PolicyCommand::CheckAccessNotGranted(args)) => {
            cli::check::run_access_not_granted(args)
        }
        Command::Policy(PolicyCommand::CheckNoPublicAccess(args)) => {
            cli::check::run_no_public_access(args)
        }
        Command::Serve(args) => cli::serve::run(args),
        Command::Account(AccountCommand::Create(args)) => cli::account::create(args),
        Command::Workload(WorkloadCommand::Bind(args)) => cli::workload::bind(args),
        Command::Workload(WorkloadCommand::List(args)) => cli::workload::list(args),
        Command::Workload(WorkloadCommand::Unbind(args)) => cli::workload::unbind(args),
        Command::Audit(AuditCommand::Verify(args)) => cli::audit::verify(args),
        Command::Audit(AuditCommand::Tail(args)) => cli::audit::tail(args),
    };
    ExitCode::from(code)
}
