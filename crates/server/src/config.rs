//! Server configuration from flags, `IAMD_*` environment variables and a TOML file, in
//! that order of precedence.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use store::SecretString;

use crate::workload::declared::{self, DeclaredWorkload, WorkloadEntry};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8181";
pub const DEFAULT_DATA_DIR: &str = "./iamd-data";
/// The largest request body accepted: room for IAM's largest request (several policy
/// documents of 131,072 characters, percent-encoded).
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub max_body_bytes: usize,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer TOKEN`.
    pub metrics_token: Option<SecretString>,
    /// Where the audit trail is written; `None` when auditing is off.
    pub audit_dir: Option<PathBuf>,
    /// Workload bindings of the file's `[[workload]]` entries, checked.
    pub workloads: Vec<DeclaredWorkload>,
}

/// The audit trail's directory inside the data directory, by default.
pub const AUDIT_SUBDIR: &str = "audit";

/// Settings as one source gives them; unset fields fall through to the next source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Settings {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub max_body_bytes: Option<usize>,
    pub metrics_token: Option<MetricsToken>,
    /// Whether every call is recorded in the audit trail (default: on).
    pub audit: Option<bool>,
    pub audit_dir: Option<PathBuf>,
    /// `[[workload]]` entries: bindings served alongside the stored ones. Only the file
    /// declares them (no flag or variable does).
    #[serde(rename = "workload")]
    pub workloads: Option<Vec<WorkloadEntry>>,
}

/// `on`/`off` (also `true`/`false`, `1`/`0`) of `--audit` and `IAMD_AUDIT`.
pub fn parse_switch(name: &str, value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" => Ok(false),
        _ => Err(format!("{name}: expected on or off, got {value}")),
    }
}

/// The bearer token of `/metrics`: a secret, so it never appears in a debug print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsToken(pub SecretString);

impl<'de> Deserialize<'de> for MetricsToken {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| MetricsToken(SecretString::new(s)))
    }
}

impl Settings {
    /// The settings `IAMD_LISTEN`, `IAMD_DATA_DIR`, `IAMD_MAX_BODY_BYTES`,
    /// `IAMD_METRICS_TOKEN`, `IAMD_AUDIT` and `IAMD_AUDIT_DIR` give.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let max_body_bytes = env("IAMD_MAX_BODY_BYTES")
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("IAMD_MAX_BODY_BYTES: not a number: {v}"))
            })
            .transpose()?;
        let audit = env("IAMD_AUDIT")
            .map(|v| parse_switch("IAMD_AUDIT", &v))
            .transpose()?;
        Ok(Settings {
            listen: env("IAMD_LISTEN"),
            data_dir: env("IAMD_DATA_DIR").map(PathBuf::from),
            max_body_bytes,
            metrics_token: env("IAMD_METRICS_TOKEN").map(|t| MetricsToken(SecretString::new(t))),
            audit,
            audit_dir: env("IAMD_AUDIT_DIR").map(PathBuf::from),
            workloads: None,
        })
    }

    /// The settings of a TOML file (`listen`, `data_dir`, `max_body_bytes`,
    /// `metrics_token`, `audit`, `audit_dir` and `[[workload]]` entries).
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut settings: Settings =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        for entry in settings.workloads.iter_mut().flatten() {
            entry.anchor_paths(dir);
        }
        Ok(settings)
    }

    /// `self` where set, else `fallback`.
    pub fn or(self, fallback: Settings) -> Settings {
        Settings {
            listen: self.listen.or(fallback.listen),
            data_dir: self.data_dir.or(fallback.data_dir),
            max_body_bytes: self.max_body_bytes.or(fallback.max_body_bytes),
            metrics_token: self.metrics_token.or(fallback.metrics_token),
            audit: self.audit.or(fallback.audit),
            audit_dir: self.audit_dir.or(fallback.audit_dir),
            workloads: self.workloads.or(fallback.workloads),
        }
    }

    /// Fills in defaults and checks values.
    pub fn resolve(self) -> Result<Config, String> {
        let listen = self.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen: SocketAddr = listen
            .parse()
            .map_err(|_| format!("listen: not a socket address: {listen}"))?;
        let data_dir = self
            .data_dir
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let audit_dir = match self.audit {
            Some(false) => None,
            _ => Some(
                self.audit_dir
                    .unwrap_or_else(|| data_dir.join(AUDIT_SUBDIR)),
            ),
        };
        let workloads = self
            .workloads
            .unwrap_or_default()
            .into_iter()
            .map(WorkloadEntry::check)
            .collect::<Result<Vec<_>, _>>()?;
        declared::check_distinct(&workloads)?;
        if let Some(w) = workloads
            .iter()
            .find(|w| w.listen.as_deref() == Some(listen.to_string().as_str()))
        {
            return Err(format!(
                "[[workload]] {}: listens on the server's own address {listen}",
                w.name
            ));
        }
        Ok(Config {
            listen,
            data_dir,
            max_body_bytes: self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            metrics_token: self
                .metrics_token
                .map(|t| t.0)
                .filter(|t| !t.expose().is_empty()),
            audit_dir,
            workloads,
        })
    }
}

/// Flags, then the environment, then the file named by `--config` or `IAMD_CONFIG`.
pub fn load(
    flags: Settings,
    config_file: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Config, String> {
    let env_settings = Settings::from_env(&env)?;
    let file_path = config_file
        .map(Path::to_path_buf)
        .or_else(|| env("IAMD_CONFIG").map(PathBuf::from));
    let file_settings = match file_path {
        Some(path) => Settings::from_file(&path)?,
        None => Settings::default(),
    };
    flags.or(env_settings).or(file_settings).resolve()
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::WorkloadKind;

    #[test]
    fn precedence_is_flags_env_file_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("iamd.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\ndata_dir = \"/from/file\"\nmax_body_bytes = 10\n",
        )
        .unwrap();
        let env = |k: &str| (k == "IAMD_DATA_DIR").then(|| "/from/env".to_owned());
        let flags = Settings {
            max_body_bytes: Some(20),
            ..Settings::default()
        };
        let config = load(flags, Some(&file), env).unwrap();
        assert_eq!(config.listen, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(config.data_dir, PathBuf::from("/from/env"));
        assert_eq!(config.max_body_bytes, 20);

        let defaults = load(Settings::default(), None, |_| None).unwrap();
        assert_eq!(defaults.listen, DEFAULT_LISTEN.parse().unwrap());
        assert_eq!(defaults.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(
            defaults.audit_dir,
            Some(PathBuf::from(DEFAULT_DATA_DIR).join(AUDIT_SUBDIR))
        );
    }

    #[test]
    fn auditing_is_on_unless_turned_off() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("iamd.toml");
        std::fs::write(&file, "audit = false\n").unwrap();
        let off = load(Settings::default(), Some(&file), |_| None).unwrap();
        assert_eq!(off.audit_dir, None);
        let env = |k: &str| match k {
            "IAMD_AUDIT" => Some("on".to_owned()),
            "IAMD_AUDIT_DIR" => Some("/trail".to_owned()),
            _ => None,
        };
        let on = load(Settings::default(), Some(&file), env).unwrap();
        assert_eq!(on.audit_dir, Some(PathBuf::from("/trail")));
        let flags = Settings {
            audit: Some(false),
            ..Settings::default()
        };
        assert_eq!(load(flags, Some(&file), env).unwrap().audit_dir, None);
        let bad = |k: &str| (k == "IAMD_AUDIT").then(|| "maybe".to_owned());
        assert!(load(Settings::default(), None, bad)
            .unwrap_err()
            .contains("IAMD_AUDIT"));
    }

    #[test]
    fn workload_entries_come_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("task.token"), "task-token-0123456789\n").unwrap();
        let file = dir.path().join("iamd.toml");
        std::fs::write(
            &file,
            "[[workload]]\nname = \"web\"\nkind = \"imds\"\ninstance_profile = \"web-profile\"\nlisten = \"127.0.0.1:9100\"\n\n\
             [[workload]]\nname = \"task\"\nkind = \"container\"\nrole = \"task-role\"\ntoken_file = \"task.token\"\naccount_id = \"123456789012\"\n",
        )
        .unwrap();
        let config = load(Settings::default(), Some(&file), |_| None).unwrap();
        let [web, task] = config.workloads.as_slice() else {
            panic!("two workloads expected: {:?}", config.workloads);
        };
        assert_eq!(
            (web.kind, web.target.as_str()),
            (WorkloadKind::Imds, "web-profile")
        );
        assert_eq!(web.listen.as_deref(), Some("127.0.0.1:9100"));
        assert_eq!(task.kind, WorkloadKind::Container);
        assert_eq!(task.account_id.as_deref(), Some("123456789012"));
        // The token file is read relative to the configuration file; only its hash is kept.
        assert_eq!(
            task.token_sha256.as_deref(),
            Some(crate::workload::container::token_hash("task-token-0123456789").as_slice())
        );

        // The server's own address is not a workload's.
        let flags = Settings {
            listen: Some("127.0.0.1:9100".into()),
            ..Settings::default()
        };
        assert!(load(flags, Some(&file), |_| None)
            .unwrap_err()
            .contains("server's own address"));
        std::fs::write(&file, "[[workload]]\nname = \"x\"\nkind = \"imds\"\n").unwrap();
        assert!(load(Settings::default(), Some(&file), |_| None)
            .unwrap_err()
            .contains("needs instance_profile"));
    }

    #[test]
    fn bad_values_are_reported() {
        let flags = Settings {
            listen: Some("nowhere".into()),
            ..Settings::default()
        };
        assert!(load(flags, None, |_| None).unwrap_err().contains("nowhere"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "unknown_key = 1\n").unwrap();
        assert!(load(Settings::default(), Some(&file), |_| None).is_err());
    }
}
