//! The policy's structure: which elements there are, of which JSON types, and the
//! checks of that structure (AWS's syntax errors, missing and empty elements). What
//! passes is handed to the other checks as [`Statement`]s.
//!
//! The document is read with the engine's positioned JSON reader rather than its
//! policy parser: AWS reports every problem of a document at once, so an unknown
//! element or a value of the wrong type must not hide the rest.
use policy::ast::Span as TextSpan;
use policy::json::{Kind, Member, Value};

use crate::catalogue::{self as c};
use crate::report::{index, join, value, Path, Report};
use crate::report::{key, Step};
use crate::Context;

/// One string of the policy (an action, a resource, a principal value) with where
/// it is.
#[derive(Debug, Clone)]
pub(crate) struct Item<'d> {
    pub text: &'d str,
    pub span: TextSpan,
    pub path: Path<'d>,
}

/// `Action`/`NotAction`, `Resource`/`NotResource` and the values of a principal
/// type: one string or an array of strings.
#[derive(Debug, Clone)]
pub(crate) struct Element<'d> {
    pub negated: bool,
    pub items: Vec<Item<'d>>,
    /// Written as `[]`.
    pub empty_array: bool,
    /// The path and span of the element's value.
    pub path: Path<'d>,
    pub span: TextSpan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Allow,
    Deny,
}

/// A statement whose elements have the right JSON types (those that do not are
/// left out, having been reported).
#[derive(Debug)]
pub(crate) struct Statement<'d> {
    pub path: Path<'d>,
    pub span: TextSpan,
    pub sid: Option<Item<'d>>,
    pub effect: Option<Effect>,
    pub action: Option<Element<'d>>,
    pub resource: Option<Element<'d>>,
    /// `Principal` or `NotPrincipal`, as written.
    pub principal: Option<&'d Member<'d>>,
    pub condition: Option<&'d Member<'d>>,
    /// The statement's JSON, for comparing statements.
    pub object: &'d Value<'d>,
}

impl<'d> Statement<'d> {
    pub(crate) fn is_allow(&self) -> bool {
        self.effect == Some(Effect::Allow)
    }

    /// Every `operator: {key: values}` entry of the statement's `Condition`.
    pub(crate) fn condition_entries(&self) -> Vec<ConditionEntry<'d>> {
        let mut out = Vec::new();
        let Some(condition) = self.condition else {
            return out;
        };
        let Kind::Object(operators) = &condition.value.kind else {
            return out;
        };
        let base = join(&self.path, value("Condition"));
        for operator in operators {
            let Kind::Object(keys) = &operator.value.kind else {
                continue;
            };
            let op_path = join(&base, value(&operator.key));
            for key in keys {
                out.push(ConditionEntry {
                    key: key.key.as_ref(),
                    path: join(&op_path, value(&key.key)),
                    span: key.value.span,
                    values: items(&key.value, join(&op_path, value(&key.key))),
                });
            }
        }
        out
    }

    /// Whether the statement's `Condition` names this key (ignoring case).
    pub(crate) fn has_condition_key(&self, key: &str) -> bool {
        self.condition_entries()
            .iter()
            .any(|e| e.key.eq_ignore_ascii_case(key))
    }

    /// The values of the principal type `kind` (`AWS`, `Service`, ...) of the
    /// statement's `Principal`; those of other JSON types are left out.
    pub(crate) fn principals(&self, kind: &str) -> Vec<Item<'d>> {
        let Some(member) = self.principal else {
            return Vec::new();
        };
        let Kind::Object(entries) = &member.value.kind else {
            return Vec::new();
        };
        let base = join(&self.path, value(&member.key));
        entries
            .iter()
            .filter(|e| e.key == kind)
            .flat_map(|e| items(&e.value, join(&base, value(&e.key))))
            .collect()
    }

    /// The span of the statement's key `key`.
    pub(crate) fn key_span(&self, key: &str) -> Option<TextSpan> {
        match &self.object.kind {
            Kind::Object(members) => members.iter().find(|m| m.key == key).map(|m| m.key_span),
            _ => None,
        }
    }
}

/// One key of a condition with its operator and values.
#[derive(Debug)]
pub(crate) struct ConditionEntry<'d> {
    pub key: &'d str,
    /// The path and span of the key's values.
    pub path: Path<'d>,
    pub span: TextSpan,
    /// The string values (other JSON types are left out).
    pub values: Vec<Item<'d>>,
}

/// Whether `text` holds `${`, the start of a policy variable. Most policy text has no
/// `$` at all, which a byte scan rules out quickly.
pub(crate) fn has_variable(text: &str) -> bool {
    text.contains('$') && text.contains("${")
}

/// The strings of a value that is one string or an array; other items are skipped
/// (the structure checks report them).
pub(crate) fn items<'d>(v: &'d Value<'d>, path: Path<'d>) -> Vec<Item<'d>> {
    match &v.kind {
        Kind::String(s) => vec![Item {
            text: s.as_ref(),
            span: v.span,
            path,
        }],
        Kind::Array(elements) => elements
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match &e.kind {
                Kind::String(s) => Some(Item {
                    text: s.as_ref(),
                    span: e.span,
                    path: join(&path, index(i)),
                }),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The document's statements, after the structure checks.
pub(crate) struct Document<'d> {
    pub statements: Vec<Statement<'d>>,
    /// Whether `${...}` is a policy variable (version 2012-10-17).
    pub variables_enabled: bool,
}

fn type_mismatch(report: &mut Report, expected: &str, path: Path, span: TextSpan) {
    report.at(
        c::DATA_TYPE_MISMATCH,
        format!("The text does not match the expected JSON data type {expected}."),
        path,
        span,
    );
}

fn invalid_element(report: &mut Report, member: &Member, path: &[Step<'_>]) {
    report.at(
        c::INVALID_POLICY_ELEMENT,
        format!("The policy element {} is not valid.", member.key),
        join(path, key(&member.key)),
        member.key_span,
    );
}

/// Reads the document's top level and its statements.
pub(crate) fn read<'d>(
    root: &'d Value<'d>,
    cx: &Context,
    report: &mut Report,
) -> Option<Document<'d>> {
    let Kind::Object(members) = &root.kind else {
        type_mismatch(report, "Object", Vec::new(), root.span);
        return None;
    };
    let mut version = None;
    let mut statement = None;
    for member in members {
        match member.key.as_ref() {
            "Version" => version = Some(member),
            "Statement" => statement = Some(member),
            "Id" => {
                if !matches!(member.value.kind, Kind::String(_)) {
                    type_mismatch(report, "String", vec![value("Id")], member.value.span);
                }
            }
            _ => invalid_element(report, member, &[]),
        }
    }
    let mut variables_enabled = false;
    match version {
        None => report.at(
            c::MISSING_VERSION,
            "We recommend that you specify the Version element to help you with debugging permission issues.".to_string(),
            Vec::new(),
            root.span,
        ),
        Some(member) => match &member.value.kind {
            Kind::String(v) if v == "2012-10-17" => variables_enabled = true,
            Kind::String(v) if v == "2008-10-17" => {}
            Kind::String(v) => report.at(
                c::INVALID_VERSION,
                format!("The version {v} is not valid. Use one of the following versions: 2012-10-17, 2008-10-17"),
                vec![value("Version")],
                member.value.span,
            ),
            _ => type_mismatch(report, "String", vec![value("Version")], member.value.span),
        },
    }
    let Some(statement) = statement else {
        report.at(
            c::MISSING_STATEMENT,
            "Add a statement to the policy".to_string(),
            Vec::new(),
            root.span,
        );
        return Some(Document {
            statements: Vec::new(),
            variables_enabled,
        });
    };
    let base = vec![value("Statement")];
    let mut statements = Vec::new();
    match &statement.value.kind {
        Kind::Object(_) => {
            statements.extend(read_statement(&statement.value, base, cx, report));
        }
        Kind::Array(elements) if elements.is_empty() => report.at(
            c::MISSING_STATEMENT,
            "Add a statement to the policy".to_string(),
            base,
            statement.value.span,
        ),
        Kind::Array(elements) => {
            for (i, element) in elements.iter().enumerate() {
                let path = join(&base, index(i));
                if matches!(element.kind, Kind::Object(_)) {
                    statements.extend(read_statement(element, path, cx, report));
                } else {
                    type_mismatch(report, "Object", path, element.span);
                }
            }
        }
        _ => type_mismatch(report, "Array", base, statement.value.span),
    }
    Some(Document {
        statements,
        variables_enabled,
    })
}

/// A string, or an array of strings; items of other types are reported.
pub(crate) fn string_list<'d>(
    member: &'d Member<'d>,
    path: Path<'d>,
    report: &mut Report,
) -> Option<Element<'d>> {
    let negated = member.key.starts_with("Not");
    let span = member.value.span;
    match &member.value.kind {
        Kind::String(s) => Some(Element {
            negated,
            items: vec![Item {
                text: s.as_ref(),
                span,
                path: path.clone(),
            }],
            empty_array: false,
            path,
            span,
        }),
        Kind::Array(elements) => {
            let mut items = Vec::with_capacity(elements.len());
            for (i, element) in elements.iter().enumerate() {
                let item_path = join(&path, index(i));
                match &element.kind {
                    Kind::String(s) => items.push(Item {
                        text: s.as_ref(),
                        span: element.span,
                        path: item_path,
                    }),
                    _ => type_mismatch(report, "String", item_path, element.span),
                }
            }
            Some(Element {
                negated,
                items,
                empty_array: elements.is_empty(),
                path,
                span,
            })
        }
        _ => {
            type_mismatch(report, "Array", path, span);
            None
        }
    }
}

fn read_statement<'d>(
    object: &'d Value<'d>,
    path: Path<'d>,
    cx: &Context,
    report: &mut Report,
) -> Option<Statement<'d>> {
    let Kind::Object(members) = &object.kind else {
        return None;
    };
    let mut stmt = Statement {
        path: path.clone(),
        span: object.span,
        sid: None,
        effect: None,
        action: None,
        resource: None,
        principal: None,
        condition: None,
        object,
    };
    let mut has_effect = false;
    let mut action_key: Option<&str> = None;
    let mut resource_key: Option<&str> = None;
    let mut principal_key: Option<&str> = None;
    for member in members {
        let key = member.key.as_ref();
        let here = join(&path, value(key));
        match key {
            "Sid" => match &member.value.kind {
                Kind::String(s) => {
                    stmt.sid = Some(Item {
                        text: s.as_ref(),
                        span: member.value.span,
                        path: here,
                    })
                }
                _ => type_mismatch(report, "String", here, member.value.span),
            },
            "Effect" => {
                has_effect = true;
                match &member.value.kind {
                    Kind::String(s) if s == "Allow" => stmt.effect = Some(Effect::Allow),
                    Kind::String(s) if s == "Deny" => stmt.effect = Some(Effect::Deny),
                    Kind::String(s) => report.at(
                        c::INVALID_EFFECT,
                        format!("The effect {s} is not valid. Use Allow or Deny."),
                        here,
                        member.value.span,
                    ),
                    _ => type_mismatch(report, "String", here, member.value.span),
                }
            }
            "Action" | "NotAction" => {
                if let Some(first) = action_key {
                    combination(report, first, member, &path);
                    continue;
                }
                action_key = Some(key);
                stmt.action = string_list(member, here, report);
            }
            "Resource" | "NotResource" => {
                if let Some(first) = resource_key {
                    combination(report, first, member, &path);
                    continue;
                }
                resource_key = Some(key);
                stmt.resource = string_list(member, here, report);
            }
            "Principal" | "NotPrincipal" => {
                if let Some(first) = principal_key {
                    combination(report, first, member, &path);
                    continue;
                }
                principal_key = Some(key);
                match &member.value.kind {
                    Kind::String(_) | Kind::Object(_) => stmt.principal = Some(member),
                    _ => type_mismatch(report, "Object", here, member.value.span),
                }
            }
            "Condition" => match &member.value.kind {
                Kind::Object(_) => stmt.condition = Some(member),
                _ => type_mismatch(report, "Object", here, member.value.span),
            },
            _ => invalid_element(report, member, &path),
        }
    }
    if !has_effect {
        report.at(
            c::MISSING_EFFECT,
            "Add an Effect element to the policy statement with a value of Allow or Deny."
                .to_string(),
            path.clone(),
            object.span,
        );
    }
    if action_key.is_none() {
        report.at(
            c::MISSING_ACTION,
            "Add an Action or NotAction element to the policy statement.".to_string(),
            path.clone(),
            object.span,
        );
    }
    if resource_key.is_none() && cx.requires_resource() {
        report.at(
            c::MISSING_RESOURCE,
            "Add a Resource or NotResource element to the policy statement.".to_string(),
            path.clone(),
            object.span,
        );
    }
    if let Some(action) = &stmt.action {
        if !action.negated && action.empty_array {
            report.at(
                c::EMPTY_ARRAY_ACTION,
                "This statement includes no actions and does not affect the policy. Specify actions."
                    .to_string(),
                action.path.clone(),
                action.span,
            );
        }
    }
    if let Some(resource) = &stmt.resource {
        if !resource.negated && resource.empty_array {
            report.at(
                c::EMPTY_ARRAY_RESOURCE,
                "This statement includes no resources and does not affect the policy. Specify resources."
                    .to_string(),
                resource.path.clone(),
                resource.span,
            );
        }
    }
    Some(stmt)
}

fn combination(report: &mut Report, first: &str, second: &Member, statement: &[Step<'_>]) {
    report.at(
        c::UNSUPPORTED_ELEMENT_COMBINATION,
        format!(
            "The policy elements {first} and {} can not be used in the same statement. Remove one of these elements.",
            second.key
        ),
        join(statement, key(&second.key)),
        second.key_span,
    );
}
