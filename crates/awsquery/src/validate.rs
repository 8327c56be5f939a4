//! Validating a request's parameters against its operation's input shape, with AWS's
//! `ValidationError` wording:
//!
//! ```text
//! 1 validation error detected: Value 'x y' at 'userName' failed to satisfy constraint:
//! Member must satisfy regular expression pattern: [\w+=,.@-]+
//! ```
//!
//! Member paths are the wire names with the first letter lower-cased, joined by `.`;
//! list elements are `name.N.member` (N counted from 1), so a tag value is
//! `tags.6.member.value`.

use std::fmt::Write as _;

use crate::errors::{QueryError, Service};
use crate::model::{Member, ServiceModel, ShapeKind};
use crate::params::{Node, Params};

/// The violations found in one request, in member order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors {
    /// Each `Value '...' at '...' failed to satisfy constraint: ...`.
    pub errors: Vec<String>,
}

impl ValidationErrors {
    /// `N validation error(s) detected: a; b`.
    pub fn message(&self) -> String {
        let n = self.errors.len();
        let plural = if n == 1 { "" } else { "s" };
        format!(
            "{n} validation error{plural} detected: {}",
            self.errors.join("; ")
        )
    }

    /// The `ValidationError` answer.
    pub fn to_query_error(&self) -> QueryError {
        QueryError::validation(self.message())
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ValidationErrors {}

/// Whether `service` has an operation named `operation`.
pub fn is_operation(service: Service, operation: &str) -> bool {
    ServiceModel::of(service).is_some_and(|m| m.operation(operation).is_some())
}

/// Checks `params` against the input shape of `operation`. An operation the model
/// does not know has nothing to check (the caller answers `InvalidAction` first).
/// Parameters the shape does not name are ignored, as AWS ignores them.
pub fn validate(
    service: Service,
    operation: &str,
    params: &Params,
) -> Result<(), ValidationErrors> {
    let Some(model) = ServiceModel::of(service) else {
        return Ok(());
    };
    let Some(input) = model.operation(operation).and_then(|op| op.input) else {
        return Ok(());
    };
    let mut v = Validator {
        model,
        errors: Vec::new(),
    };
    if let Some(ShapeKind::Structure(members)) = model.shape(input).map(|s| &s.kind) {
        v.structure(members, &params.root(), "");
    }
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors { errors: v.errors })
    }
}

/// `UserName` → `userName`, as AWS names members in messages.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a member holds in the request, for messages.
enum Shown<'a> {
    Text(&'a str),
    Hidden,
    List(Vec<&'a str>),
}

struct Validator {
    model: &'static ServiceModel,
    errors: Vec<String>,
}

impl Validator {
    fn fail(&mut self, value: Shown<'_>, path: &str, constraint: &str) {
        let mut e = String::from("Value ");
        match value {
            Shown::Text(t) => {
                let _ = write!(e, "'{t}' ");
            }
            Shown::Hidden => {}
            Shown::List(items) => {
                let _ = write!(e, "'[{}]' ", items.join(", "));
            }
        }
        let _ = write!(e, "at '{path}' failed to satisfy constraint: {constraint}");
        self.errors.push(e);
    }

    fn null(&mut self, path: &str) {
        self.errors.push(format!(
            "Value null at '{path}' failed to satisfy constraint: Member must not be null"
        ));
    }

    fn structure(&mut self, members: &[Member], node: &Node<'_>, prefix: &str) {
        for member in members {
            let path = if prefix.is_empty() {
                lower_first(member.name)
            } else {
                format!("{prefix}.{}", lower_first(member.name))
            };
            self.member(member, node, &path);
        }
    }

    fn member(&mut self, member: &Member, node: &Node<'_>, path: &str) {
        let Some(shape) = self.model.shape(member.shape) else {
            return;
        };
        match &shape.kind {
            ShapeKind::Structure(members) => {
                if node.has(member.name) {
                    self.structure(members, &node.child(member.name), path);
                } else if member.required {
                    self.null(path);
                }
            }
            ShapeKind::List {
                member: item,
                min,
                max,
            } => {
                if !node.has(member.name) {
                    if member.required {
                        self.null(path);
                    }
                    return;
                }
                self.list(member.name, *item, (*min, *max), node, path);
            }
            ShapeKind::Map { min, max, .. } => {
                if !node.has(member.name) {
                    if member.required {
                        self.null(path);
                    }
                    return;
                }
                let entries = node.map(member.name);
                let keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
                self.count(keys.len() as u64, (*min, *max), Shown::List(keys), path);
            }
            _ => match node.get(member.name) {
                Some(value) => self.scalar(member.shape, value, path),
                None if member.required => self.null(path),
                None => {}
            },
        }
    }

    fn list(
        &mut self,
        name: &str,
        item: usize,
        bounds: (Option<u64>, Option<u64>),
        node: &Node<'_>,
        path: &str,
    ) {
        let Some(item_shape) = self.model.shape(item) else {
            return;
        };
        match &item_shape.kind {
            ShapeKind::Structure(members) => {
                let elements = node.members(name);
                self.count(elements.len() as u64, bounds, Shown::List(Vec::new()), path);
                for (i, element) in elements.iter().enumerate() {
                    self.structure(members, element, &format!("{path}.{}.member", i + 1));
                }
            }
            _ => {
                let values = node.list(name);
                let shown = if item_shape.sensitive {
                    Shown::Hidden
                } else {
                    Shown::List(values.clone())
                };
                self.count(values.len() as u64, bounds, shown, path);
                for (i, value) in values.iter().enumerate() {
                    self.scalar(item, value, &format!("{path}.{}.member", i + 1));
                }
            }
        }
    }

    /// Length of a list or map.
    fn count(
        &mut self,
        n: u64,
        (min, max): (Option<u64>, Option<u64>),
        shown: Shown<'_>,
        path: &str,
    ) {
        if let Some(min) = min.filter(|m| n < *m) {
            self.fail(
                shown,
                path,
                &format!("Member must have length greater than or equal to {min}"),
            );
        } else if let Some(max) = max.filter(|m| n > *m) {
            self.fail(
                shown,
                path,
                &format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    fn scalar(&mut self, shape_index: usize, value: &str, path: &str) {
        let Some(shape) = self.model.shape(shape_index) else {
            return;
        };
        let shown = || {
            if shape.sensitive {
                Shown::Hidden
            } else {
                Shown::Text(value)
            }
        };
        match &shape.kind {
            ShapeKind::String {
                min,
                max,
                pattern,
                enum_values,
            } => {
                // Java strings count UTF-16 code units, and so do AWS's length limits.
                let len = value.encode_utf16().count() as u64;
                if let Some(min) = min.filter(|m| len < *m) {
                    self.fail(
                        shown(),
                        path,
                        &format!("Member must have length greater than or equal to {min}"),
                    );
                }
                if let Some(max) = max.filter(|m| len > *m) {
                    self.fail(
                        shown(),
                        path,
                        &format!("Member must have length less than or equal to {max}"),
                    );
                }
                if let Some(p) = *pattern {
                    if let Some(re) = self.model.regex(p) {
                        if !re.is_match(value) {
                            let aws = self.model.patterns.get(p).map(|p| p.aws).unwrap_or("");
                            self.fail(
                                shown(),
                                path,
                                &format!("Member must satisfy regular expression pattern: {aws}"),
                            );
                        }
                    }
                }
                if !enum_values.is_empty() && !enum_values.contains(&value) {
                    self.fail(
                        shown(),
                        path,
                        &format!(
                            "Member must satisfy enum value set: [{}]",
                            enum_values.join(", ")
                        ),
                    );
                }
            }
            ShapeKind::Integer { min, max } => match value.trim().parse::<i64>() {
                Ok(n) => {
                    if let Some(min) = min.filter(|m| n < *m) {
                        self.fail(
                            shown(),
                            path,
                            &format!("Member must have value greater than or equal to {min}"),
                        );
                    }
                    if let Some(max) = max.filter(|m| n > *m) {
                        self.fail(
                            shown(),
                            path,
                            &format!("Member must have value less than or equal to {max}"),
                        );
                    }
                }
                Err(_) => self.fail(shown(), path, "Member must be a number"),
            },
            ShapeKind::Boolean => {
                if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") {
                    self.fail(shown(), path, "Member must be a boolean");
                }
            }
            ShapeKind::Blob { .. } | ShapeKind::Timestamp => {}
            ShapeKind::Structure(_) | ShapeKind::List { .. } | ShapeKind::Map { .. } => {}
        }
    }
}
