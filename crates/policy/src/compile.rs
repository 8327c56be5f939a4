//! A policy prepared for fast evaluation: actions lower-cased and compiled to wildcard
//! patterns, resources compiled to ARN patterns (resolved per request only when they
//! hold policy variables), principals and conditions compiled, and statements indexed by
//! service prefix so that a request looks only at statements that can match its action.
//!
//! Nothing on the matching path allocates, except resolving a `Resource` that holds a
//! policy variable.
use crate::arn::{ArnHead, ArnPattern};
use crate::ast::{self, Effect, Span};
use crate::condition::{self, CompiledCondition};
use crate::error::PolicyError;
use crate::parse::parse_policy;
use crate::principal::{PrincipalMatch, PrincipalMatcher};
use crate::request::{Context, Principal};
use crate::variables::Template;
use crate::wildcard::Pattern;

/// One statement, compiled.
#[derive(Debug, Clone)]
pub struct CompiledStatement {
    /// 0-based position in the policy.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// The span of the statement's JSON object.
    pub span: Span,
    actions: ActionMatcher,
    /// `None` when the statement has no `Resource`/`NotResource` (trust policies):
    /// every resource matches.
    resources: Option<ResourceMatcher>,
    principal: Option<PrincipalMatcher>,
    conditions: Vec<CompiledCondition>,
}

#[derive(Debug, Clone)]
struct ActionMatcher {
    negated: bool,
    patterns: Vec<Pattern>,
}

impl ActionMatcher {
    fn matches(&self, action: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(action)) != self.negated
    }
}

#[derive(Debug, Clone)]
enum ResourceItem {
    Fixed(ArnPattern),
    /// A six-segment ARN pattern whose variables are all in the resource part (the
    /// usual `arn:aws:s3:::bucket/home/${aws:username}/*`). With six segments the ARN
    /// rules compare segment to segment, so the first five are compiled once and only
    /// the resource part is resolved per request. Text that is not an ARN (fewer than
    /// five colons) cannot match: the five colons of the head are literal characters.
    SplitTemplate {
        head: ArnHead,
        resource: Template,
    },
    /// A pattern with policy variables, resolved against each request's context.
    Template(Template),
}

impl ResourceItem {
    /// Compiles one `Resource`/`NotResource` entry; `None` when it holds a malformed
    /// policy variable (an unclosed `${`, an empty name, a badly quoted default).
    ///
    /// IAM stores such a policy: the `MalformedPolicyDocument` checks it runs on
    /// policy text (JSON shape, elements, the legacy parser's resource and date rules,
    /// action and resource formats) do not look inside `${...}`, and IAM Access
    /// Analyzer's policy check reference lists "Missing brace in variable", "Missing
    /// quote in variable", "Empty variable" and "Unsupported space in variable" as
    /// findings of its own validation, for policy lines that do not work. The entry
    /// names nothing AWS can resolve, so, as for a variable without a value ("Policy
    /// variables with no value"), it matches no resource.
    fn compile(text: &str, variables: bool) -> Option<ResourceItem> {
        if !(variables && text.contains("${")) {
            return Some(ResourceItem::Fixed(ArnPattern::new(text)));
        }
        if let Some(split) = ResourceItem::split(text, variables) {
            return split;
        }
        let template = Template::parse(text, variables).ok()?;
        Some(if template.is_plain() {
            ResourceItem::Fixed(ArnPattern::new(text))
        } else if !template.has_variables() {
            // Only escapes such as `${*}`: fixed text, resolved once.
            match template.resolve_arn_pattern(&Context::new()) {
                Some(p) => ResourceItem::Fixed(p),
                None => ResourceItem::Template(template),
            }
        } else {
            ResourceItem::Template(template)
        })
    }

    /// The split form of a pattern whose first five segments are fixed and whose
    /// resource part holds variables; `Some(None)` when that resource part has a
    /// malformed variable, `None` when the pattern does not have this form.
    fn split(text: &str, variables: bool) -> Option<Option<ResourceItem>> {
        let (_, rest) = split_five(text)?;
        let head = text.get(..text.len().checked_sub(rest.len() + 1)?)?;
        if head.contains("${") {
            return None;
        }
        let Ok(resource) = Template::parse(rest, variables) else {
            return Some(None);
        };
        if !resource.has_variables() {
            return None;
        }
        let head = ArnHead::new(head)?;
        Some(Some(ResourceItem::SplitTemplate { head, resource }))
    }

    /// The policy variables' keys the entry reads.
    fn referenced_keys(&self) -> impl Iterator<Item = &str> {
        let template = match self {
            ResourceItem::Fixed(_) => None,
            ResourceItem::SplitTemplate { resource, .. } => Some(resource),
            ResourceItem::Template(t) => Some(t),
        };
        template.into_iter().flat_map(Template::referenced_keys)
    }

    fn matches(&self, arn: &str, context: &Context) -> bool {
        match self {
            ResourceItem::Fixed(p) => p.matches(arn),
            ResourceItem::SplitTemplate { head, resource } => {
                split_five(arn).is_some_and(|(parts, rest)| {
                    head.matches(&parts)
                        && resource
                            .resolve_pattern(context, false)
                            .is_some_and(|p| p.matches(rest))
                })
            }
            // A variable without a value makes the entry match nothing ("Policy
            // variables with no value").
            ResourceItem::Template(t) => t
                .resolve_arn_pattern(context)
                .is_some_and(|p| p.matches(arn)),
        }
    }
}

/// Splits an ARN at its first five colons.
fn split_five(text: &str) -> Option<([&str; 5], &str)> {
    let mut head = [""; 5];
    let mut rest = text;
    for slot in head.iter_mut() {
        let (part, tail) = rest.split_once(':')?;
        *slot = part;
        rest = tail;
    }
    Some((head, rest))
}

#[derive(Debug, Clone)]
struct ResourceMatcher {
    negated: bool,
    items: Vec<ResourceItem>,
}

impl ResourceMatcher {
    fn matches(&self, arn: &str, context: &Context) -> bool {
        self.items.iter().any(|item| item.matches(arn, context)) != self.negated
    }
}

impl CompiledStatement {
    fn compile(stmt: &ast::Statement, variables: bool) -> Result<CompiledStatement, PolicyError> {
        let actions = match &stmt.action {
            Some(block) => ActionMatcher {
                negated: block.negated,
                patterns: block
                    .list
                    .items
                    .iter()
                    // Case-insensitive patterns fold their text once, here.
                    .map(|a| Pattern::new(&a.value, true))
                    .collect(),
            },
            // A statement without actions matches none (validation rejects it).
            None => ActionMatcher {
                negated: false,
                patterns: Vec::new(),
            },
        };
        let resources = match &stmt.resource {
            Some(block) => {
                // An entry with a malformed policy variable matches no resource:
                // leaving it out of the list has exactly that effect (see
                // `ResourceItem::compile`).
                let items = block
                    .list
                    .items
                    .iter()
                    .filter_map(|r| ResourceItem::compile(&r.value, variables))
                    .collect();
                Some(ResourceMatcher {
                    negated: block.negated,
                    items,
                })
            }
            None => None,
        };
        let mut conditions = Vec::with_capacity(stmt.conditions.len());
        for c in &stmt.conditions {
            let compiled = CompiledCondition::compile(c, variables)
                .map_err(|message| PolicyError::malformed(message, c.operator.span))?;
            conditions.push(compiled);
        }
        Ok(CompiledStatement {
            index: stmt.index,
            sid: stmt.sid.as_ref().map(|s| s.value.clone()),
            effect: stmt.effect.value,
            span: stmt.span,
            actions,
            resources,
            principal: stmt
                .principal
                .as_ref()
                .map(|p| PrincipalMatcher::compile(p, stmt.effect.value)),
            conditions,
        })
    }

    /// Whether `Action`/`NotAction` covers `action` (any case).
    pub fn matches_action(&self, action: &str) -> bool {
        self.actions.matches(action)
    }

    /// Whether `Resource`/`NotResource` covers `arn`; a statement without either covers all.
    pub fn matches_resource(&self, arn: &str, context: &Context) -> bool {
        match &self.resources {
            Some(r) => r.matches(arn, context),
            None => true,
        }
    }

    /// How `Principal`/`NotPrincipal` names the caller; a statement without either
    /// (identity-based policies) names every caller directly.
    pub fn principal_match(&self, caller: &Principal) -> PrincipalMatch {
        match &self.principal {
            Some(p) => p.matches(caller),
            None => PrincipalMatch::Direct,
        }
    }

    /// Whether the statement has a `NotPrincipal` element.
    pub fn has_not_principal(&self) -> bool {
        self.principal
            .as_ref()
            .is_some_and(PrincipalMatcher::is_negated)
    }

    /// Whether every condition holds.
    pub fn conditions_hold(&self, context: &Context) -> bool {
        condition::all_match(&self.conditions, context)
    }

    /// The context keys the statement reads, for reporting keys a request did not
    /// carry: those of policy variables in `Resource`, then each condition's key and
    /// the variables in its values, all as written. A key may come more than once (in
    /// any case); callers compare them without case.
    pub fn referenced_keys(&self) -> impl Iterator<Item = &str> {
        let resources = self
            .resources
            .iter()
            .flat_map(|r| r.items.iter())
            .flat_map(ResourceItem::referenced_keys);
        let conditions = self
            .conditions
            .iter()
            .flat_map(CompiledCondition::referenced_keys);
        resources.chain(conditions)
    }
}

/// Statement numbers grouped by the service prefix their actions name.
#[derive(Debug, Clone, Default)]
struct ServiceIndex {
    /// Sorted by service prefix (lower case); statement numbers ascending.
    by_service: Vec<(Box<str>, Vec<u32>)>,
    /// Statements that may match any service: `NotAction`, a wildcard in the
    /// service part, or no `Action` at all. Ascending.
    any_service: Vec<u32>,
}

impl ServiceIndex {
    fn build(statements: &[ast::Statement]) -> ServiceIndex {
        let mut index = ServiceIndex::default();
        for (n, stmt) in statements.iter().enumerate() {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            match statement_services(stmt) {
                None => index.any_service.push(n),
                Some(services) => {
                    for service in services {
                        index.add(service, n);
                    }
                }
            }
        }
        index
    }

    /// Files statement `n` under `service` (any case); `n` never decreases.
    fn add(&mut self, service: &str, n: u32) {
        match self
            .by_service
            .binary_search_by(|(s, _)| cmp_ignore_ascii_case(s, service))
        {
            Ok(i) => {
                if let Some((_, v)) = self.by_service.get_mut(i) {
                    if v.last() != Some(&n) {
                        v.push(n);
                    }
                }
            }
            Err(i) => self
                .by_service
                .insert(i, (service.to_ascii_lowercase().into(), vec![n])),
        }
    }

    /// The statements that may match an action of `service` (any case).
    fn lookup(&self, service: &str) -> &[u32] {
        match self
            .by_service
            .binary_search_by(|(s, _)| cmp_ignore_ascii_case(s, service))
        {
            Ok(i) => self
                .by_service
                .get(i)
                .map(|(_, v)| v.as_slice())
                .unwrap_or(&[]),
            Err(_) => &[],
        }
    }
}

/// Compares `lower` (already lower case) with `text` folded to ASCII lower case.
fn cmp_ignore_ascii_case(lower: &str, text: &str) -> std::cmp::Ordering {
    lower
        .bytes()
        .cmp(text.bytes().map(|b| b.to_ascii_lowercase()))
}

/// The service prefixes a statement's `Action` names (as written; a prefix may come
/// more than once), or `None` when it may match any service.
fn statement_services(stmt: &ast::Statement) -> Option<impl Iterator<Item = &str>> {
    let block = stmt.action.as_ref()?;
    if block.negated {
        return None;
    }
    fn service_of(item: &ast::Spanned<String>) -> Option<&str> {
        item.value
            .split_once(':')
            .map(|(service, _)| service)
            .filter(|service| !service.contains(['*', '?']))
    }
    // One action without a fixed service prefix makes the whole statement a candidate
    // for every service.
    if !block
        .list
        .items
        .iter()
        .all(|item| service_of(item).is_some())
    {
        return None;
    }
    Some(block.list.items.iter().filter_map(service_of))
}

/// A policy ready for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    /// The caller's name for the policy (`PolicyInputList.1`, an ARN, a file name).
    pub id: String,
    /// The simulator's `SourcePolicyType` for statements of this policy.
    pub source_type: String,
    statements: Vec<CompiledStatement>,
    index: ServiceIndex,
}

impl CompiledPolicy {
    /// Compiles a parsed policy.
    pub fn compile(
        policy: &ast::Policy,
        id: impl Into<String>,
        source_type: impl Into<String>,
    ) -> Result<CompiledPolicy, PolicyError> {
        let variables = policy.variables_enabled();
        let statements = policy
            .statements
            .iter()
            .map(|s| CompiledStatement::compile(s, variables))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CompiledPolicy {
            id: id.into(),
            source_type: source_type.into(),
            statements,
            index: ServiceIndex::build(&policy.statements),
        })
    }

    /// Parses and compiles policy text.
    pub fn from_text(
        text: &str,
        id: impl Into<String>,
        source_type: impl Into<String>,
    ) -> Result<CompiledPolicy, PolicyError> {
        let policy = parse_policy(text)?;
        CompiledPolicy::compile(&policy, id, source_type)
    }

    pub fn statements(&self) -> &[CompiledStatement] {
        &self.statements
    }

    /// The statements that can match `action`, in document order, without allocating.
    pub fn candidates<'a>(
        &'a self,
        action: &str,
    ) -> impl Iterator<Item = &'a CompiledStatement> + 'a {
        let service = action.split_once(':').map_or(action, |(s, _)| s);
        let a = self.index.lookup(service);
        let b = self.index.any_service.as_slice();
        MergeAscending { a, b }.filter_map(move |n| self.statements.get(n as usize))
    }
}

/// Merges two ascending lists of statement numbers.
struct MergeAscending<'a> {
    a: &'a [u32],
    b: &'a [u32],
}

impl Iterator for MergeAscending<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        match (self.a.split_first(), self.b.split_first()) {
            (Some((&x, ra)), Some((&y, rb))) => {
                if x <= y {
                    self.a = ra;
                    if x == y {
                        self.b = rb;
                    }
                    Some(x)
                } else {
                    self.b = rb;
                    Some(y)
                }
            }
            (Some((&x, ra)), None) => {
                self.a = ra;
                Some(x)
            }
            (None, Some((&y, rb))) => {
                self.b = rb;
                Some(y)
            }
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::ContextValue;

    /// The split form answers as resolving the whole pattern does.
    #[test]
    fn split_templates_agree_with_whole_resolution() {
        let patterns = [
            "arn:aws:s3:::bucket/home/${aws:username}/*",
            "arn:aws:s3:*:*:b-${aws:username}",
            "arn:aws:logs:*:111:log-group:${aws:username}:*",
            "arn:aws:s3:::${aws:username}",
        ];
        let texts = [
            "arn:aws:s3:::bucket/home/alice/x",
            "arn:aws:s3:::bucket/home/bob/x",
            "arn:aws:s3:::b-alice",
            "arn:aws:s3:us-east-1:1:b-alice",
            "arn:aws:logs:eu-west-1:111:log-group:alice:log-stream:s",
            "arn:aws:s3:::alice",
            "alice",
            "*",
        ];
        let mut ctx = Context::new();
        ctx.insert("aws:username", ContextValue::single("alice"));
        for pattern in patterns {
            let template = match Template::parse(pattern, true) {
                Ok(t) => t,
                Err(e) => panic!("{pattern}: {e}"),
            };
            let item = ResourceItem::compile(pattern, true).unwrap();
            assert!(
                matches!(item, ResourceItem::SplitTemplate { .. }),
                "{pattern}"
            );
            for text in texts {
                let whole = template
                    .resolve_arn_pattern(&ctx)
                    .is_some_and(|p| p.matches(text));
                assert_eq!(item.matches(text, &ctx), whole, "{pattern} vs {text}");
                assert!(
                    !item.matches(text, &Context::new()),
                    "{pattern} without a value"
                );
            }
        }
    }
}
