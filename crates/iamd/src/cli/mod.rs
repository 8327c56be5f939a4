//! One module per subcommand; each exposes `Args` (clap) and `run(Args) -> u8` (exit status).
pub mod account;
pub mod audit;
pub mod check;
pub mod data_dir;
pub mod log_writer;
pub mod logging;
pub mod serve;
pub mod simulate;
pub mod validate;
pub mod workload;
