//! The parameters of an awsQuery request, with accessors for its encoding of lists
//! (`Name.member.N`), structures (`Name.Field`) and maps (`Name.entry.N.key`/`.value`).

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::form::{decode_pairs, DecodeError, Limits};

/// Decoded request parameters, sorted by name so that every prefix is one range.
/// When a name repeats, its first value is kept, as AWS does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    map: BTreeMap<String, String>,
}

impl Params {
    /// Decodes a form body or query string with the default [`Limits`].
    pub fn parse(input: &[u8]) -> Result<Self, DecodeError> {
        Self::parse_with(input, &Limits::default())
    }

    /// Decodes a form body or query string within `limits`.
    pub fn parse_with(input: &[u8], limits: &Limits) -> Result<Self, DecodeError> {
        Ok(Self::from_pairs(decode_pairs(input, limits)?))
    }

    /// Builds parameters from decoded pairs.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            map.entry(k.into()).or_insert_with(|| v.into());
        }
        Self { map }
    }

    /// Adds the parameters of `other` whose names are not yet present (a POST's query
    /// string and body together).
    pub fn merge(&mut self, other: Params) {
        for (k, v) in other.map {
            self.map.entry(k).or_insert(v);
        }
    }

    /// The value of a top-level parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    /// `Action`.
    pub fn action(&self) -> Option<&str> {
        self.get("Action")
    }

    /// `Version`.
    pub fn version(&self) -> Option<&str> {
        self.get("Version")
    }

    /// Every `(name, value)`, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The whole request as a structure, to walk nested members.
    pub fn root(&self) -> Node<'_> {
        Node {
            params: self,
            prefix: String::new(),
        }
    }

    /// The scalars of list `name` (`name.member.1`, `name.member.2`, ...), by index.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.root().list(name)
    }

    /// The structures of list `name` (`name.member.N.Field`), by index.
    pub fn members(&self, name: &str) -> Vec<Node<'_>> {
        self.root().members(name)
    }

    /// For each structure of list `name`, the values of `fields` in that order: e.g.
    /// `structure_list("Tags", &["Key", "Value"])`.
    pub fn structure_list<'a>(&'a self, name: &str, fields: &[&str]) -> Vec<Vec<Option<&'a str>>> {
        self.members(name)
            .iter()
            .map(|m| fields.iter().map(|f| m.get(f)).collect())
            .collect()
    }

    /// The entries of map `name` (`name.entry.N.key` / `name.entry.N.value`), by index.
    pub fn map(&self, name: &str) -> Vec<(&str, Option<&str>)> {
        self.root().map(name)
    }

    /// Whether any parameter is `prefix` itself or starts with `prefix.`.
    fn has_under(&self, prefix: &str) -> bool {
        if self.map.contains_key(prefix) {
            return true;
        }
        let dotted = format!("{prefix}.");
        let found = self.range_with_prefix(&dotted).next().is_some();
        found
    }

    fn range_with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.map
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// A structure inside the request: the parameters under one prefix.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    params: &'a Params,
    /// Empty for the root, else ends with `.`.
    prefix: String,
}

impl<'a> Node<'a> {
    fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The name prefix of this structure's members (`Tags.member.1.`); empty at the root.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The value of scalar member `name`.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.params.get(&self.path(name))
    }

    /// Whether member `name` is present in any form (scalar, list or structure).
    pub fn has(&self, name: &str) -> bool {
        self.params.has_under(&self.path(name))
    }

    /// Structure member `name` (`Prefix.Name.Field`).
    pub fn child(&self, name: &str) -> Node<'a> {
        Node {
            params: self.params,
            prefix: format!("{}{name}.", self.prefix),
        }
    }

    /// The indices present under `name.<word>.` in ascending order, with the index
    /// as written (`N` of `name.member.N`). Indices that are not positive integers are
    /// ignored, as are gaps: elements keep the order of their indices.
    fn indices(&self, name: &str, word: &str) -> Vec<u32> {
        let prefix = format!("{}{name}.{word}.", self.prefix);
        let mut out: Vec<u32> = self
            .params
            .range_with_prefix(&prefix)
            .filter_map(|(k, _)| {
                let rest = k.get(prefix.len()..)?;
                let n = rest.split('.').next()?;
                if n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                n.parse::<u32>().ok()
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The scalars of list `name` (`name.member.N`), ordered by `N`.
    pub fn list(&self, name: &str) -> Vec<&'a str> {
        self.indices(name, "member")
            .into_iter()
            .filter_map(|n| {
                self.params
                    .get(&format!("{}{name}.member.{n}", self.prefix))
            })
            .collect()
    }

    /// The structures of list `name` (`name.member.N.Field`), ordered by `N`.
    pub fn members(&self, name: &str) -> Vec<Node<'a>> {
        self.indices(name, "member")
            .into_iter()
            .map(|n| Node {
                params: self.params,
                prefix: format!("{}{name}.member.{n}.", self.prefix),
            })
            .collect()
    }

    /// The entries of map `name` (`name.entry.N.key`, `name.entry.N.value`), ordered by
    /// `N`; entries without a key are skipped.
    pub fn map(&self, name: &str) -> Vec<(&'a str, Option<&'a str>)> {
        self.indices(name, "entry")
            .into_iter()
            .filter_map(|n| {
                let entry = format!("{}{name}.entry.{n}.", self.prefix);
                let key = self.params.get(&format!("{entry}key"))?;
                Some((key, self.params.get(&format!("{entry}value"))))
            })
            .collect()
    }

    /// Whether list `name` is present but empty (`name=` with no members), which is
    /// how awsQuery sends an empty list.
    pub fn is_empty_list(&self, name: &str) -> bool {
        self.params.get(&self.path(name)) == Some("") && self.indices(name, "member").is_empty()
    }
}
