//! Workload bindings declared in the configuration file's `[[workload]]` entries, served
//! alongside the ones `iamd workload bind` keeps in the store.
//!
//! An entry is checked when the configuration is loaded (its shape, address and token)
//! and again when the server starts (its account, and that no stored binding has its
//! name, listen address or token). Whether its instance profile or role exists is
//! settled when the workload first asks for credentials, as for stored bindings: the
//! role may well be created after the server starts. A missing one is logged at start.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use store::{Store, Timestamp, WorkloadBinding, WorkloadKind};

/// The longest workload name, as `iamd workload bind` allows.
const MAX_NAME_LEN: usize = 128;
/// The shortest container token accepted from a `token_file`: guessable tokens would
/// hand out role credentials.
pub const MIN_TOKEN_LEN: usize = 16;

/// One `[[workload]]` entry as the file gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadEntry {
    pub name: String,
    /// `imds` or `container`.
    pub kind: String,
    /// IMDS: the instance profile whose role is served.
    pub instance_profile: Option<String>,
    /// IMDS: the address of the binding's own metadata endpoint.
    pub listen: Option<String>,
    /// Container: the role served.
    pub role: Option<String>,
    /// Container: a file holding the token (surrounding whitespace ignored).
    pub token_file: Option<PathBuf>,
    /// Container: the SHA-256 of the token, in hex.
    pub token_sha256: Option<String>,
    /// The account of the instance profile or role; the only account when absent.
    pub account_id: Option<String>,
}

/// A checked entry: what a stored binding holds, less what only the store can settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredWorkload {
    pub name: String,
    pub kind: WorkloadKind,
    pub account_id: Option<String>,
    /// The instance profile (IMDS) or role (container).
    pub target: String,
    /// IMDS: the listen address, written as a socket address.
    pub listen: Option<String>,
    /// Container: SHA-256 of the token (the token itself is not kept).
    pub token_sha256: Option<Vec<u8>>,
}

impl WorkloadEntry {
    /// Relative `token_file` paths are relative to the configuration file's directory.
    pub fn anchor_paths(&mut self, config_dir: &Path) {
        if let Some(file) = &self.token_file {
            if file.is_relative() {
                self.token_file = Some(config_dir.join(file));
            }
        }
    }

    /// Checks the entry and reads its token file.
    pub fn check(self) -> Result<DeclaredWorkload, String> {
        let name = self.name;
        let at = format!("[[workload]] {name:?}");
        if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
            return Err(format!(
                "{at}: a workload name has 1 to {MAX_NAME_LEN} characters"
            ));
        }
        let kind = WorkloadKind::parse(&self.kind)
            .ok_or_else(|| format!("{at}: kind must be imds or container, not {:?}", self.kind))?;
        let (target, listen, token_sha256) = match kind {
            WorkloadKind::Imds => {
                if self.role.is_some() || self.token_file.is_some() || self.token_sha256.is_some() {
                    return Err(format!(
                        "{at}: an imds workload takes instance_profile and listen, not role or a token"
                    ));
                }
                let profile = non_empty(self.instance_profile)
                    .ok_or_else(|| format!("{at}: an imds workload needs instance_profile"))?;
                let text = self
                    .listen
                    .ok_or_else(|| format!("{at}: an imds workload needs listen"))?;
                let addr: SocketAddr = text
                    .parse()
                    .map_err(|_| format!("{at}: listen: not a socket address: {text}"))?;
                if addr.port() == 0 {
                    return Err(format!(
                        "{at}: listen: the workload must know the port; 0 is not one"
                    ));
                }
                (profile, Some(addr.to_string()), None)
            }
            WorkloadKind::Container => {
                if self.instance_profile.is_some() || self.listen.is_some() {
                    return Err(format!(
                        "{at}: a container workload takes role and a token, not instance_profile or listen"
                    ));
                }
                let role = non_empty(self.role)
                    .ok_or_else(|| format!("{at}: a container workload needs role"))?;
                let hash = match (self.token_file, self.token_sha256) {
                    (Some(file), None) => {
                        token_file_hash(&file).map_err(|e| format!("{at}: {e}"))?
                    }
                    (None, Some(hex)) => parse_sha256(&hex).map_err(|e| format!("{at}: {e}"))?,
                    _ => {
                        return Err(format!(
                            "{at}: a container workload needs one of token_file and token_sha256"
                        ))
                    }
                };
                (role, None, Some(hash))
            }
        };
        Ok(DeclaredWorkload {
            name,
            kind,
            account_id: non_empty(self.account_id),
            target,
            listen,
            token_sha256,
        })
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn token_file_hash(path: &Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("token_file: cannot read {}: {e}", path.display()))?;
    // The endpoint trims the Authorization header the same way.
    let token = text.trim();
    if token.chars().count() < MIN_TOKEN_LEN {
        return Err(format!(
            "token_file: {} holds a token shorter than {MIN_TOKEN_LEN} characters",
            path.display()
        ));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "token_file: {} holds characters an Authorization header cannot carry",
            path.display()
        ));
    }
    Ok(super::container::token_hash(token))
}

fn parse_sha256(hex: &str) -> Result<Vec<u8>, String> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("token_sha256: expected 64 hexadecimal digits".to_owned());
    }
    (0..32)
        .map(|i| {
            u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| "token_sha256: expected 64 hexadecimal digits".to_owned())
        })
        .collect()
}

/// Entries that would be ambiguous together: the same name (case-insensitively, as the
/// store compares names), listen address or token.
pub fn check_distinct(workloads: &[DeclaredWorkload]) -> Result<(), String> {
    for (i, a) in workloads.iter().enumerate() {
        for b in &workloads[..i] {
            if a.name.to_lowercase() == b.name.to_lowercase() {
                return Err(format!(
                    "[[workload]]: the name {} is declared twice",
                    a.name
                ));
            }
            if a.listen.is_some() && a.listen == b.listen {
                return Err(format!(
                    "[[workload]]: {} and {} listen on the same address",
                    b.name, a.name
                ));
            }
            if a.token_sha256.is_some() && a.token_sha256 == b.token_sha256 {
                return Err(format!(
                    "[[workload]]: {} and {} have the same token",
                    b.name, a.name
                ));
            }
        }
    }
    Ok(())
}

/// The declared bindings of a running server.
#[derive(Debug, Default)]
pub struct DeclaredBindings {
    bindings: Vec<(WorkloadBinding, Option<Vec<u8>>)>,
}

impl DeclaredBindings {
    pub fn all(&self) -> impl Iterator<Item = &WorkloadBinding> {
        self.bindings.iter().map(|(b, _)| b)
    }

    pub fn named(&self, name: &str) -> Option<&WorkloadBinding> {
        let key = name.to_lowercase();
        self.all().find(|b| b.name.to_lowercase() == key)
    }

    pub fn by_token(&self, token_sha256: &[u8]) -> Option<&WorkloadBinding> {
        self.bindings
            .iter()
            .find(|(_, hash)| hash.as_deref() == Some(token_sha256))
            .map(|(b, _)| b)
    }

    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty()
    }
}

/// The workload id of a declared binding: derived from its account and name, so it
/// stays the same across restarts (it is the credentials' session name and the
/// instance id the metadata endpoint reports).
fn workload_id(kind: WorkloadKind, account_id: &str, name: &str) -> String {
    let seed = format!("iamd-workload/{account_id}/{}", name.to_lowercase());
    let digest = ring::digest::digest(&ring::digest::SHA256, seed.as_bytes());
    let hex: String = digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    match kind {
        WorkloadKind::Imds => format!("i-{}", &hex[..17]),
        WorkloadKind::Container => hex,
    }
}

/// Settles the declared workloads against the store at start-up: fills in the account
/// and refuses any that a stored binding already claims by name, listen address or
/// token.
pub async fn settle(
    store: &dyn Store,
    workloads: &[DeclaredWorkload],
) -> Result<DeclaredBindings, String> {
    check_distinct(workloads)?;
    if workloads.is_empty() {
        return Ok(DeclaredBindings::default());
    }
    let stored = store
        .list_workload_bindings()
        .await
        .map_err(|e| format!("reading workload bindings: {}", e.message))?;
    let accounts = store
        .list_accounts()
        .await
        .map_err(|e| format!("reading accounts: {}", e.message))?;
    let now = Timestamp::now();
    let mut bindings = Vec::with_capacity(workloads.len());
    for w in workloads {
        let at = format!("[[workload]] {}", w.name);
        if let Some(clash) = stored.iter().find(|s| {
            s.name.to_lowercase() == w.name.to_lowercase()
                || (w.listen.is_some() && s.listen == w.listen)
        }) {
            return Err(format!(
                "{at}: the stored binding {} (iamd workload bind) has the same name or listen address; remove one of them (iamd workload unbind {})",
                clash.name, clash.name
            ));
        }
        if let Some(hash) = &w.token_sha256 {
            if let Some(clash) = store
                .workload_binding_by_token(hash)
                .await
                .map_err(|e| format!("reading workload bindings: {}", e.message))?
            {
                return Err(format!(
                    "{at}: the stored binding {} has the same token",
                    clash.name
                ));
            }
        }
        let account_id = match &w.account_id {
            Some(id) => {
                if !accounts.iter().any(|a| &a.account_id == id) {
                    return Err(format!("{at}: no account {id}"));
                }
                id.clone()
            }
            None => match accounts.as_slice() {
                [only] => only.account_id.clone(),
                [] => return Err(format!("{at}: the data dir has no account yet")),
                _ => return Err(format!("{at}: several accounts: name one with account_id")),
            },
        };
        warn_if_missing(store, w, &account_id).await;
        bindings.push((
            WorkloadBinding {
                name: w.name.clone(),
                kind: w.kind,
                workload_id: workload_id(w.kind, &account_id, &w.name),
                account_id,
                target: w.target.clone(),
                listen: w.listen.clone(),
                created: now,
            },
            w.token_sha256.clone(),
        ));
    }
    Ok(DeclaredBindings { bindings })
}

/// Logs a declared binding whose instance profile or role does not exist (yet): its
/// workload is refused until it does.
async fn warn_if_missing(store: &dyn Store, w: &DeclaredWorkload, account_id: &str) {
    let missing = match w.kind {
        WorkloadKind::Imds => store
            .get_instance_profile(account_id, &w.target)
            .await
            .is_err(),
        WorkloadKind::Container => store.get_role(account_id, &w.target).await.is_err(),
    };
    if missing {
        tracing::warn!(
            workload = %w.name,
            target = %w.target,
            kind = w.kind.as_str(),
            "the declared workload's instance profile or role does not exist yet; its credentials are refused until it does"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imds(name: &str, listen: &str) -> WorkloadEntry {
        WorkloadEntry {
            name: name.into(),
            kind: "imds".into(),
            instance_profile: Some("web".into()),
            listen: Some(listen.into()),
            ..WorkloadEntry::default()
        }
    }

    #[test]
    fn entries_are_checked() {
        let ok = imds("web", "127.0.0.1:9100").check().unwrap();
        assert_eq!(ok.kind, WorkloadKind::Imds);
        assert_eq!(ok.listen.as_deref(), Some("127.0.0.1:9100"));
        for (entry, words) in [
            (imds("web", "nowhere"), "not a socket address"),
            (imds("web", "127.0.0.1:0"), "0 is not one"),
            (imds("", "127.0.0.1:9100"), "1 to 128"),
            (
                WorkloadEntry {
                    kind: "lambda".into(),
                    ..imds("web", "127.0.0.1:9100")
                },
                "imds or container",
            ),
            (
                WorkloadEntry {
                    role: Some("r".into()),
                    ..imds("web", "127.0.0.1:9100")
                },
                "not role",
            ),
            (
                WorkloadEntry {
                    name: "task".into(),
                    kind: "container".into(),
                    role: Some("r".into()),
                    ..WorkloadEntry::default()
                },
                "one of token_file and token_sha256",
            ),
            (
                WorkloadEntry {
                    name: "task".into(),
                    kind: "container".into(),
                    role: Some("r".into()),
                    token_sha256: Some("abc".into()),
                    ..WorkloadEntry::default()
                },
                "64 hexadecimal",
            ),
        ] {
            let err = entry.check().unwrap_err();
            assert!(err.contains(words), "{err} lacks {words}");
        }
    }

    #[test]
    fn container_tokens_come_from_a_file_or_a_hash() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "a-long-enough-token\n").unwrap();
        std::fs::write(dir.path().join("short"), "short").unwrap();
        let mut entry = WorkloadEntry {
            name: "task".into(),
            kind: "container".into(),
            role: Some("r".into()),
            token_file: Some("token".into()),
            ..WorkloadEntry::default()
        };
        entry.anchor_paths(dir.path());
        let from_file = entry.clone().check().unwrap();
        let hash = super::super::container::token_hash("a-long-enough-token");
        assert_eq!(from_file.token_sha256.as_deref(), Some(hash.as_slice()));
        let hex: String = hash.iter().map(|b| format!("{b:02X}")).collect();
        let from_hash = WorkloadEntry {
            token_file: None,
            token_sha256: Some(hex),
            ..entry.clone()
        }
        .check()
        .unwrap();
        assert_eq!(from_hash.token_sha256, from_file.token_sha256);
        let short = WorkloadEntry {
            token_file: Some(dir.path().join("short")),
            ..entry
        };
        assert!(short.check().unwrap_err().contains("shorter than"));
    }

    #[test]
    fn names_addresses_and_tokens_are_distinct() {
        let a = imds("web", "127.0.0.1:9100").check().unwrap();
        let b = imds("WEB", "127.0.0.1:9101").check().unwrap();
        let c = imds("api", "127.0.0.1:9100").check().unwrap();
        assert!(check_distinct(&[a.clone(), b])
            .unwrap_err()
            .contains("twice"));
        assert!(check_distinct(&[a.clone(), c])
            .unwrap_err()
            .contains("same address"));
        let d = imds("api", "127.0.0.1:9101").check().unwrap();
        assert!(check_distinct(&[a, d]).is_ok());
    }

    #[test]
    fn workload_ids_are_stable_and_shaped_by_kind() {
        let id = workload_id(WorkloadKind::Imds, "123456789012", "web");
        assert_eq!(id, workload_id(WorkloadKind::Imds, "123456789012", "Web"));
        assert!(id.starts_with("i-") && id.len() == 19);
        assert_eq!(
            workload_id(WorkloadKind::Container, "123456789012", "web").len(),
            32
        );
    }
}
