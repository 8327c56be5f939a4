//! The request space of a check, cut into dimensions, and the column sets of every
//! dimension's atoms.
//!
//! Columns are the statements of every policy taking part (in order) followed by the
//! check's own predicates ([`Extra`]). For each dimension the candidate values
//! (atoms) come from the partition of that dimension (`glob.rs`,
//! `values.rs`, `principals.rs`); the column set of an atom is computed
//! by the engine's own matchers (`CompiledStatement::matches_action`,
//! `matches_resource`, `principal_match`, `CompiledCondition::matches`).
use std::collections::HashMap;

use policy::arn::ArnPattern;
use policy::ast::{self, Effect};
use policy::compile::{CompiledPolicy, CompiledStatement};
use policy::condition::CompiledCondition;
use policy::eval::PolicySet;
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use policy::wildcard::Pattern;

use crate::bits::{Bits, MAX_COLUMNS};
use crate::glob::{self, Domain, Glob};
use crate::principals::{self, Caller};
use crate::values::{self, Family};
use crate::CheckError;

/// Product states the string exploration may visit per dimension.
const MAX_STATES: usize = 20_000;
/// `Resource` entries with policy variables relaxed to free booleans, at most.
const MAX_RESOURCE_TEMPLATES: usize = 4;
/// Combinations of values tried for keys compared with one another, at most.
const MAX_JOINT_ATOMS: usize = 20_000;
/// Kinds of value sets a multi-valued key is tried with, at most.
const MAX_VALUE_SETS: usize = 4096;

/// The account of the caller of identity-based policies, and of their resources.
pub(crate) const IDENTITY_ACCOUNT: &str = "111122223333";
pub(crate) const IDENTITY_CALLER: &str = "arn:aws:iam::111122223333:user/analyzer-caller";

/// Condition keys that tie a request to its caller's identity or network: a public
/// caller can only carry values of them that the policy does not name (S3's "The
/// meaning of public": a fixed `aws:SourceArn`, `aws:SourceVpc`, ..., a fixed KMS key).
const IDENTITY_KEYS: [&str; 20] = [
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:userid",
    "aws:vpceaccount",
    "aws:vpceorgid",
    "aws:vpceorgpaths",
    "kms:calleraccount",
    "aws:principalservicename",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
];

/// Whether a value of an identity key is out of a public caller's reach: a value the
/// policy names, or an ARN in an account that a named ARN or ARN pattern fixes
/// (`arn:aws:sns:*:111122223333:*`).
fn names_caller(value: &str, named: &[&String]) -> bool {
    let account = |arn: &str| {
        arn.strip_prefix("arn:")
            .and_then(|rest| rest.split(':').nth(3))
            .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_string)
    };
    named.iter().any(|n| n.eq_ignore_ascii_case(value))
        || account(value).is_some_and(|a| named.iter().any(|n| account(n).as_deref() == Some(&a)))
}

/// One policy taking part in a check, parsed and ready for the engine.
pub(crate) struct Source {
    pub(crate) ast: ast::Policy,
    pub(crate) set: PolicySet,
    /// Evaluated as a resource-based policy (callers named by `Principal`).
    pub(crate) resource_based: bool,
}

impl Source {
    pub(crate) fn new(text: &str, resource_based: bool, name: &str) -> Result<Source, CheckError> {
        let ast = policy::parse::parse_policy(text)
            .map_err(|e| CheckError::InvalidPolicy(format!("{name}: {}", e.message)))?;
        let compiled = CompiledPolicy::compile(&ast, name, "none")
            .map_err(|e| CheckError::InvalidPolicy(format!("{name}: {}", e.message)))?;
        let set = if resource_based {
            // The caller's own account allows everything, so the decision is the
            // resource-based policy's alone (cross-account: both sides must allow).
            let allow_all = CompiledPolicy::from_text(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                "caller",
                "none",
            )
            .map_err(|e| CheckError::InvalidPolicy(e.message))?;
            PolicySet {
                identity: vec![allow_all],
                resource: Some(compiled),
                ..PolicySet::default()
            }
        } else {
            PolicySet {
                identity: vec![compiled],
                ..PolicySet::default()
            }
        };
        Ok(Source {
            ast,
            set,
            resource_based,
        })
    }

    pub(crate) fn compiled(&self) -> Option<&CompiledPolicy> {
        if self.resource_based {
            self.set.resource.as_ref()
        } else {
            self.set.identity.first()
        }
    }

    fn statements(&self) -> &[CompiledStatement] {
        self.compiled().map(|p| p.statements()).unwrap_or(&[])
    }

    /// Whether the engine allows `request` under this policy.
    pub(crate) fn allows(&self, request: &Request) -> bool {
        policy::eval::evaluate(request, &self.set).is_allowed()
    }
}

/// A check's own predicate, a column beside the statements.
pub(crate) enum Extra {
    /// One entry of `CheckAccessNotGranted`'s access list: the action is one of
    /// `actions` (any, when empty) and the resource one of `resources` (any, when empty).
    Access {
        action_texts: Vec<String>,
        actions: Vec<Pattern>,
        resource_texts: Vec<String>,
        resources: Vec<ArnPattern>,
    },
    /// The action belongs to one of these services (`CheckNoPublicAccess`'s resource type).
    Scope {
        texts: Vec<String>,
        actions: Vec<Pattern>,
    },
    /// The caller is one of the public, with the identity keys a public caller can carry.
    Public,
    /// The request is no real request: the resource is `*` and the action one that
    /// always acts on a resource of a documented type. Set only for action classes
    /// that hold one action (a literal action text, in any case), so that no class
    /// mixes actions with and without resources.
    StarForResourceAction,
}

/// Whether an action of the service reference always acts on a resource of some type
/// (one of its resource types is required), so that `*` is never its resource. Actions
/// whose types are all optional (`s3:GetObject`: an object or an access point object)
/// are not told apart from actions that may act on none, so they keep `*`.
fn always_has_resource(action: &str) -> bool {
    let Some((prefix, name)) = action.split_once(':') else {
        return false;
    };
    if action.contains(['*', '?']) {
        return false;
    }
    awsdata::action(prefix, name).is_some_and(|a| a.resource_types.iter().any(|r| r.required))
}

/// The request space of one check.
pub(crate) struct Problem<'a> {
    pub(crate) sources: &'a [Source],
    pub(crate) extras: Vec<Extra>,
    /// Column of each source's first statement.
    offsets: Vec<usize>,
    columns: usize,
    /// The account the resource belongs to in resource-based checks: named by no policy.
    resource_account: String,
    callers: Vec<Caller>,
    /// Why the partition may miss classes, when it may.
    pub(crate) inexact: Vec<String>,
    /// The columns of each source's `Allow` and `Deny` statements.
    allow_masks: Vec<Bits>,
    deny_masks: Vec<Bits>,
}

/// The dimensions of a problem: atoms and their column sets.
pub(crate) struct Dimensions {
    pub(crate) actions: Vec<String>,
    /// Resource classes, each with the answers of the relaxed `Resource` entries.
    pub(crate) resources: Vec<(String, u32)>,
    pub(crate) callers: Vec<usize>,
    /// Each condition-key dimension: its keys (as first written) and its atoms, one
    /// value (or absence) per key.
    pub(crate) keys: Vec<(Vec<String>, Vec<KeyAtom>)>,
    pub(crate) bits: Vec<Vec<Bits>>,
}

impl<'a> Problem<'a> {
    pub(crate) fn new(
        sources: &'a [Source],
        mut extras: Vec<Extra>,
    ) -> Result<Problem<'a>, CheckError> {
        let literal_resource_action = sources
            .iter()
            .flat_map(|s| s.ast.statements.iter())
            .filter_map(|stmt| stmt.action.as_ref())
            .flat_map(|block| block.list.items.iter())
            .any(|item| always_has_resource(&item.value))
            || extras.iter().any(|e| match e {
                Extra::Access { action_texts, .. }
                | Extra::Scope {
                    texts: action_texts,
                    ..
                } => action_texts.iter().any(|t| always_has_resource(t)),
                _ => false,
            });
        if literal_resource_action {
            extras.push(Extra::StarForResourceAction);
        }
        let mut offsets = Vec::with_capacity(sources.len());
        let mut columns = 0usize;
        for s in sources {
            offsets.push(columns);
            columns += s.statements().len();
        }
        columns += extras.len();
        if columns > MAX_COLUMNS {
            return Err(CheckError::InvalidParameter(format!(
                "The policies hold more than {MAX_COLUMNS} statements together."
            )));
        }
        let asts: Vec<&ast::Policy> = sources.iter().map(|s| &s.ast).collect();
        let named = principals::named_accounts(&asts);
        let public_account = principals::fresh_account(&named, &[IDENTITY_ACCOUNT]);
        let resource_account =
            principals::fresh_account(&named, &[IDENTITY_ACCOUNT, public_account.as_str()]);
        let callers = principals::candidate_callers(&asts, &public_account);
        let inexact = principals::wildcard_principals(&asts)
            .into_iter()
            .map(|p| {
                format!("the principal {p} holds a wildcard inside, which is not decided exactly")
            })
            .collect();
        let mut problem = Problem {
            sources,
            extras,
            offsets,
            columns,
            resource_account,
            callers,
            inexact,
            allow_masks: Vec::new(),
            deny_masks: Vec::new(),
        };
        problem.allow_masks = (0..sources.len())
            .map(|i| problem.statement_mask(i, Effect::Allow))
            .collect();
        problem.deny_masks = (0..sources.len())
            .map(|i| problem.statement_mask(i, Effect::Deny))
            .collect();
        Ok(problem)
    }

    fn resource_based(&self) -> bool {
        self.sources.iter().any(|s| s.resource_based)
    }

    /// The column of statement `index` of source `source`.
    pub(crate) fn column(&self, source: usize, index: usize) -> usize {
        self.offsets.get(source).copied().unwrap_or(0) + index
    }

    pub(crate) fn extra_column(&self, extra: usize) -> usize {
        self.columns - self.extras.len() + extra
    }

    /// The columns of a source's statements with `effect`.
    pub(crate) fn mask(&self, source: usize, effect: Effect) -> Bits {
        let masks = match effect {
            Effect::Allow => &self.allow_masks,
            Effect::Deny => &self.deny_masks,
        };
        masks.get(source).copied().unwrap_or_default()
    }

    fn statement_mask(&self, source: usize, effect: Effect) -> Bits {
        let mut bits = Bits::default();
        if let Some(s) = self.sources.get(source) {
            for (i, stmt) in s.statements().iter().enumerate() {
                if stmt.effect == effect {
                    bits.set(self.column(source, i));
                }
            }
        }
        bits
    }

    /// Whether the policy of `source` allows a request with these columns.
    pub(crate) fn allowed(&self, source: usize, bits: &Bits) -> bool {
        bits.intersects(&self.mask(source, Effect::Allow))
            && !bits.intersects(&self.mask(source, Effect::Deny))
    }

    /// The statement (index, sid) behind a column.
    pub(crate) fn statement_of(&self, column: usize) -> Option<(usize, usize, Option<String>)> {
        for (source, s) in self.sources.iter().enumerate() {
            let start = self.column(source, 0);
            let stmts = s.statements();
            if column >= start && column < start + stmts.len() {
                let stmt = stmts.get(column - start)?;
                return Some((source, stmt.index, stmt.sid.clone()));
            }
        }
        None
    }

    /// Sets the statement columns that `holds` says hold, and every extra column
    /// (callers override the ones they decide).
    fn statement_bits(&self, holds: &dyn Fn(&CompiledStatement) -> bool) -> Bits {
        let mut bits = Bits::default();
        for (source, s) in self.sources.iter().enumerate() {
            for (i, stmt) in s.statements().iter().enumerate() {
                if holds(stmt) {
                    bits.set(self.column(source, i));
                }
            }
        }
        for e in 0..self.extras.len() {
            bits.set(self.extra_column(e));
        }
        bits
    }

    fn action_atoms(&mut self) -> (Vec<String>, Vec<Bits>) {
        let mut globs = Vec::new();
        let mut prefixes: Vec<String> = Vec::new();
        let mut note = |text: &str, globs: &mut Vec<Glob>| {
            globs.push(Glob::plain(text, true, true));
            if let Some((prefix, _)) = text.split_once(':') {
                if !prefix.contains(['*', '?'])
                    && !prefixes.iter().any(|p| p.eq_ignore_ascii_case(prefix))
                {
                    prefixes.push(prefix.to_ascii_lowercase());
                }
            }
        };
        for s in self.sources {
            for stmt in &s.ast.statements {
                if let Some(block) = &stmt.action {
                    for item in &block.list.items {
                        note(&item.value, &mut globs);
                    }
                }
            }
        }
        for e in &self.extras {
            match e {
                Extra::Access { action_texts, .. } => {
                    for t in action_texts {
                        note(t, &mut globs);
                    }
                }
                Extra::Scope { texts, .. } => {
                    for t in texts {
                        note(t, &mut globs);
                    }
                }
                Extra::Public | Extra::StarForResourceAction => {}
            }
        }
        let classes = glob::explore(&globs, Domain::Action, MAX_STATES);
        if !classes.complete {
            self.inexact
                .push("too many action patterns to explore".to_string());
        }
        // Real actions of the services the patterns name, by column set.
        let mut real: HashMap<Bits, String> = HashMap::new();
        for prefix in &prefixes {
            if let Some(service) = awsdata::service(prefix) {
                for action in service.actions.iter() {
                    let name = format!("{}:{}", service.prefix, action.name);
                    let bits = self.action_bits(&name);
                    real.entry(bits).or_insert(name);
                }
            }
        }
        let literals: Vec<String> = self
            .action_texts()
            .into_iter()
            .filter(|t| always_has_resource(t))
            .collect();
        let mut atoms = Vec::new();
        let mut bits = Vec::new();
        for rep in classes.representatives {
            let mut b = self.action_bits(&rep);
            // A class matching a literal action text holds only that action, in any
            // case (actions compare without case, and no other character folds to an
            // ASCII letter): whether it acts on a resource is known.
            let pinned = literals.iter().find(|l| l.eq_ignore_ascii_case(&rep));
            let name = match pinned {
                Some(literal) => literal.clone(),
                None => {
                    for (e, extra) in self.extras.iter().enumerate() {
                        if matches!(extra, Extra::StarForResourceAction) {
                            b.clear(self.extra_column(e));
                        }
                    }
                    // Real actions are looked up by their statement columns alone.
                    real.get(&b.or(&self.star_mask())).cloned().unwrap_or(rep)
                }
            };
            atoms.push(name);
            bits.push(b);
        }
        (atoms, bits)
    }

    /// Every action text of the policies and of the check's own predicates.
    fn action_texts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in self.sources {
            for stmt in &s.ast.statements {
                if let Some(block) = &stmt.action {
                    out.extend(block.list.items.iter().map(|i| i.value.clone()));
                }
            }
        }
        for e in &self.extras {
            match e {
                Extra::Access { action_texts, .. } => out.extend(action_texts.iter().cloned()),
                Extra::Scope { texts, .. } => out.extend(texts.iter().cloned()),
                Extra::Public | Extra::StarForResourceAction => {}
            }
        }
        out
    }

    /// The column of [`Extra::StarForResourceAction`], when the check has one.
    fn star_mask(&self) -> Bits {
        let mut m = Bits::default();
        for (e, extra) in self.extras.iter().enumerate() {
            if matches!(extra, Extra::StarForResourceAction) {
                m.set(self.extra_column(e));
            }
        }
        m
    }

    /// Whether a column set stands for no real request (see
    /// [`Extra::StarForResourceAction`]).
    pub(crate) fn unreal(&self, bits: &Bits) -> bool {
        self.extras.iter().enumerate().any(|(e, extra)| {
            matches!(extra, Extra::StarForResourceAction) && bits.get(self.extra_column(e))
        })
    }

    fn action_bits(&self, action: &str) -> Bits {
        let mut bits = self.statement_bits(&|s| s.matches_action(action));
        for (e, extra) in self.extras.iter().enumerate() {
            let holds = match extra {
                Extra::Access { actions, .. } => {
                    actions.is_empty() || actions.iter().any(|p| p.matches(action))
                }
                Extra::Scope { actions, .. } => actions.iter().any(|p| p.matches(action)),
                // Decided per class in `action_atoms`.
                Extra::Public | Extra::StarForResourceAction => true,
            };
            if !holds {
                bits.clear(self.extra_column(e));
            }
        }
        bits
    }

    /// The resource dimension. A `Resource` entry with a policy variable is relaxed: its
    /// answer for a request is a free boolean, one per distinct entry text (equal texts
    /// answer alike), tried both ways with every resource class. The relaxed space holds
    /// every real request, so a PASS in it is a PASS; a failing class found only through
    /// a relaxed entry is reported if the engine confirms its request, and otherwise
    /// makes the check fail safe.
    fn resource_atoms(&mut self) -> (Vec<(String, u32)>, Vec<Bits>) {
        let mut globs = Vec::new();
        let mut templates: Vec<String> = Vec::new();
        for s in self.sources {
            let variables = s.ast.variables_enabled();
            for stmt in &s.ast.statements {
                if let Some(block) = &stmt.resource {
                    for item in &block.list.items {
                        if variables && item.value.contains("${") {
                            if !templates.contains(&item.value) {
                                templates.push(item.value.clone());
                            }
                            continue;
                        }
                        globs.push(Glob::arn(&item.value, false));
                    }
                }
            }
        }
        if templates.len() > MAX_RESOURCE_TEMPLATES {
            self.inexact.push(format!(
                "more than {MAX_RESOURCE_TEMPLATES} resources hold policy variables"
            ));
            templates.truncate(MAX_RESOURCE_TEMPLATES);
        }
        for e in &self.extras {
            if let Extra::Access { resource_texts, .. } = e {
                for t in resource_texts {
                    globs.push(Glob::arn(t, false));
                }
            }
        }
        let classes = glob::explore(&globs, Domain::Arn, MAX_STATES);
        if !classes.complete {
            self.inexact
                .push("too many resource patterns to explore".to_string());
        }
        let mut arns = vec!["*".to_string()];
        arns.extend(classes.representatives);
        let mut atoms = Vec::with_capacity(arns.len() << templates.len());
        for arn in arns {
            for truths in 0u32..(1u32 << templates.len()) {
                atoms.push((arn.clone(), truths));
            }
        }
        let bits = atoms
            .iter()
            .map(|(r, truths)| self.resource_bits(r, &templates, *truths))
            .collect();
        (atoms, bits)
    }

    /// The columns whose resource part holds for `arn`, with the relaxed entries
    /// (`templates`) answering as the bits of `truths` say.
    fn resource_bits(&self, arn: &str, templates: &[String], truths: u32) -> Bits {
        let empty = Context::new();
        let mut bits = self.statement_bits(&|s| s.matches_resource(arn, &empty));
        if !templates.is_empty() {
            for (source, s) in self.sources.iter().enumerate() {
                if !s.ast.variables_enabled() {
                    continue;
                }
                for (i, stmt) in s.ast.statements.iter().enumerate() {
                    let Some(block) = &stmt.resource else {
                        continue;
                    };
                    let relaxed: Vec<usize> = block
                        .list
                        .items
                        .iter()
                        .filter_map(|item| templates.iter().position(|t| *t == item.value))
                        .collect();
                    if relaxed.is_empty() {
                        continue;
                    }
                    let fixed = block
                        .list
                        .items
                        .iter()
                        .filter(|item| !item.value.contains("${"))
                        .any(|item| ArnPattern::new(&item.value).matches(arn));
                    let relaxed_match = relaxed.iter().any(|t| truths & (1 << t) != 0);
                    let column = self.column(source, i);
                    if (fixed || relaxed_match) != block.negated {
                        bits.set(column);
                    } else {
                        bits.clear(column);
                    }
                }
            }
        }
        for (e, extra) in self.extras.iter().enumerate() {
            let holds = match extra {
                Extra::Access { resources, .. } => {
                    resources.is_empty() || resources.iter().any(|p| p.matches(arn))
                }
                Extra::StarForResourceAction => arn == "*",
                _ => true,
            };
            if !holds {
                bits.clear(self.extra_column(e));
            }
        }
        bits
    }

    /// The caller of identity-based checks.
    pub(crate) fn identity_caller() -> Principal {
        Principal {
            kind: PrincipalKind::User,
            arn: IDENTITY_CALLER.to_string(),
            account: IDENTITY_ACCOUNT.to_string(),
            role_arn: None,
            service_linked_role: false,
            in_management_account: false,
        }
    }

    fn caller_atoms(&self) -> (Vec<usize>, Vec<Bits>) {
        if !self.resource_based() {
            let caller = Self::identity_caller();
            let bits = self.statement_bits(&|s| {
                s.principal_match(&caller) != policy::principal::PrincipalMatch::None
            });
            return (vec![usize::MAX], vec![bits]);
        }
        let mut atoms = Vec::new();
        let mut all = Vec::new();
        for (i, caller) in self.callers.iter().enumerate() {
            let mut bits = self.statement_bits(&|s| {
                s.principal_match(&caller.principal) != policy::principal::PrincipalMatch::None
            });
            for (e, extra) in self.extras.iter().enumerate() {
                if matches!(extra, Extra::Public) && !caller.public {
                    bits.clear(self.extra_column(e));
                }
            }
            atoms.push(i);
            all.push(bits);
        }
        (atoms, all)
    }

    pub(crate) fn caller(&self, atom: usize) -> Principal {
        self.callers
            .get(atom)
            .map(|c| c.principal.clone())
            .unwrap_or_else(Self::identity_caller)
    }

    /// The condition keys of every statement (lower case, and as first written), with
    /// the conditions on each.
    fn conditions_by_key(&self) -> Vec<KeyGroup> {
        let mut keys: Vec<KeyGroup> = Vec::new();
        for (source, s) in self.sources.iter().enumerate() {
            let variables = s.ast.variables_enabled();
            for (i, stmt) in s.ast.statements.iter().enumerate() {
                for c in &stmt.conditions {
                    let key = c.key.value.to_ascii_lowercase();
                    let Ok(compiled) = CompiledCondition::compile(c, variables) else {
                        continue;
                    };
                    let entry = KeyCondition {
                        column: self.column(source, i),
                        op: c.operator.value.op,
                        qualified: c.operator.value.qualifier.is_some(),
                        values: c
                            .values
                            .iter()
                            .map(|v| v.value.as_text().to_string())
                            .collect(),
                        variables: variables
                            && c.values.iter().any(|v| v.value.as_text().contains("${")),
                        references: if variables {
                            c.values
                                .iter()
                                .flat_map(|v| variable_keys(v.value.as_text()))
                                .collect()
                        } else {
                            Vec::new()
                        },
                        whole_variables: variables
                            && c.values.iter().all(|v| {
                                let t = v.value.as_text();
                                !t.contains("${") || is_whole_variable(t)
                            }),
                        compiled,
                    };
                    if entry.variables && (!entry.whole_variables || entry.qualified) {
                        // Relaxed: a free boolean per distinct condition (see
                        // `relaxed_conditions`).
                        continue;
                    }
                    match keys.iter_mut().find(|(k, _, _)| *k == key) {
                        Some((_, _, list)) => list.push(entry),
                        None => keys.push((key, c.key.value.clone(), vec![entry])),
                    }
                }
            }
        }
        keys
    }

    /// The atoms of keys compared with one another through policy variables: every
    /// combination of values (or absence) drawn from the classes of all their
    /// conditions together, two values per class, so that equal and different values
    /// of the same class are both tried.
    fn joint_atoms(
        &mut self,
        component: &[KeyGroup],
    ) -> (Vec<Vec<Option<ContextValue>>>, Vec<Bits>) {
        let names: Vec<&str> = component.iter().map(|(k, _, _)| k.as_str()).collect();
        let exact = component
            .iter()
            .flat_map(|(_, _, cs)| cs.iter())
            .all(|c| c.whole_variables && !c.qualified);
        if let Some(key) = names.iter().find(|k| !values::documented_single_valued(k)) {
            // Tied keys are tried with one value each.
            self.inexact.push(format!(
                "the key {key} may carry several values and is compared with another key"
            ));
        }
        if !exact {
            self.inexact.push(format!(
                "conditions compare the keys {} through policy variables inside other text or as sets",
                names.join(", ")
            ));
        }
        let ops: Vec<_> = component
            .iter()
            .flat_map(|(_, _, cs)| cs.iter())
            .map(|c| {
                let values = c
                    .values
                    .iter()
                    .filter(|v| !v.contains("${"))
                    .cloned()
                    .collect::<Vec<_>>();
                (c.op, values)
            })
            .collect();
        let candidates = values::candidates(&ops, None, MAX_STATES, 2);
        if !candidates.complete {
            self.inexact.push(format!(
                "too many values to explore for {}",
                names.join(", ")
            ));
        }
        let per_key: Vec<Vec<Option<ContextValue>>> = names
            .iter()
            .map(|key| {
                let typed = values::documented_type(key);
                let mut v: Vec<Option<ContextValue>> = vec![None];
                v.extend(
                    candidates
                        .values
                        .iter()
                        .filter(|x| typed.is_none_or(|t| values::readable_as(t, x)))
                        .map(|x| Some(ContextValue::single(x.clone()))),
                );
                v
            })
            .collect();
        let total = per_key
            .iter()
            .try_fold(1usize, |acc, v| acc.checked_mul(v.len()))
            .unwrap_or(usize::MAX);
        if total > MAX_JOINT_ATOMS {
            self.inexact.push(format!(
                "too many combinations of values for {}",
                names.join(", ")
            ));
        }
        let mut atoms: Vec<KeyAtom> = vec![Vec::new()];
        for choices in &per_key {
            let mut next = Vec::with_capacity(atoms.len() * choices.len());
            'grow: for prefix in &atoms {
                for c in choices {
                    if next.len() >= MAX_JOINT_ATOMS {
                        break 'grow;
                    }
                    let mut t = prefix.clone();
                    t.push(c.clone());
                    next.push(t);
                }
            }
            atoms = next;
        }
        let named: Vec<&String> = component
            .iter()
            .flat_map(|(_, _, cs)| cs.iter())
            .flat_map(|c| c.values.iter())
            .collect();
        let bits = atoms
            .iter()
            .map(|atom| {
                let mut ctx = Context::new();
                for (key, value) in names.iter().zip(atom) {
                    if let Some(v) = value {
                        ctx.insert(key, v.clone());
                    }
                }
                let mut b = self.statement_bits(&|_| true);
                for c in component.iter().flat_map(|(_, _, cs)| cs.iter()) {
                    if !c.compiled.matches(&ctx) {
                        b.clear(c.column);
                    }
                }
                let public = names.iter().zip(atom).all(|(key, value)| {
                    !IDENTITY_KEYS.contains(key)
                        || value
                            .as_ref()
                            .is_none_or(|v| !v.values.iter().any(|x| names_caller(x, &named)))
                });
                for (e, extra) in self.extras.iter().enumerate() {
                    if matches!(extra, Extra::Public) && !public {
                        b.clear(self.extra_column(e));
                    }
                }
                b
            })
            .collect();
        (atoms, bits)
    }

    fn key_atoms(
        &mut self,
        key: &str,
        conditions: &[KeyCondition],
    ) -> (Vec<Option<ContextValue>>, Vec<Bits>) {
        let mut families: Vec<Family> = conditions
            .iter()
            .map(|c| values::family(c.op))
            .filter(|f| *f != Family::Null)
            .collect();
        families.sort_unstable();
        families.dedup();
        if families.len() > 1 {
            self.inexact.push(format!(
                "the condition key {key} is compared by operators of different types"
            ));
        }
        if conditions
            .iter()
            .any(|c| c.qualified && c.op == ast::ConditionOp::Null)
        {
            // AWS does not document what a set operator does to `Null`; the engine
            // ignores it, which a policy's author may not have meant.
            self.inexact.push(format!(
                "a condition on {key} applies a set operator to Null, whose meaning AWS does not document"
            ));
        }
        if conditions.iter().any(|c| c.variables) {
            self.inexact.push(format!(
                "a condition on {key} compares with a policy variable"
            ));
        }
        let ops: Vec<_> = conditions
            .iter()
            .map(|c| (c.op, c.values.clone()))
            .collect();
        let typed = values::documented_type(key);
        if let Some(t) = typed {
            if families
                .iter()
                .any(|f| *f != t && !(t == Family::Numeric && *f == Family::Date))
            {
                self.inexact.push(format!(
                    "the condition key {key} is compared as another type than its own"
                ));
            }
        }
        let candidates = values::candidates(&ops, typed, MAX_STATES, 1);
        if !candidates.complete {
            self.inexact
                .push(format!("too many values to explore for {key}"));
        }
        let mut atoms: Vec<Option<ContextValue>> = vec![None];
        // The engine accepts several values for any key; only keys AWS documents as
        // single-valued and not used with a set operator are tried with one value.
        let multi =
            conditions.iter().any(|c| c.qualified) || !values::documented_single_valued(key);
        if multi {
            match value_sets(key, conditions, &candidates.values) {
                Some(sets) => atoms.extend(sets.into_iter().map(|s| Some(ContextValue::multi(s)))),
                None => {
                    self.inexact.push(format!(
                        "the multi-valued key {key} has too many kinds of value sets to try"
                    ));
                    atoms.extend(
                        candidates
                            .values
                            .iter()
                            .map(|v| Some(ContextValue::multi([v.clone()]))),
                    );
                }
            }
        } else {
            atoms.extend(
                candidates
                    .values
                    .iter()
                    .map(|v| Some(ContextValue::single(v.clone()))),
            );
        }
        let identity_key = IDENTITY_KEYS.contains(&key);
        let named: Vec<&String> = conditions.iter().flat_map(|c| c.values.iter()).collect();
        let mut bits = Vec::with_capacity(atoms.len());
        for atom in &atoms {
            let mut ctx = Context::new();
            if let Some(v) = atom {
                ctx.insert(key, v.clone());
            }
            let mut b = self.statement_bits(&|_| true);
            for c in conditions {
                if !c.compiled.matches(&ctx) {
                    b.clear(c.column);
                }
            }
            if identity_key {
                let public = match atom {
                    None => true,
                    Some(v) => !v.values.iter().any(|x| names_caller(x, &named)),
                };
                for (e, extra) in self.extras.iter().enumerate() {
                    if matches!(extra, Extra::Public) && !public {
                        b.clear(self.extra_column(e));
                    }
                }
            }
            bits.push(b);
        }
        (atoms, bits)
    }

    /// Conditions whose values hold policy variables inside other text, or that apply a
    /// set operator to them: each distinct condition (operator, key, values) becomes a
    /// free boolean, the same for every statement that holds it. As with relaxed
    /// resources, the relaxed space holds every real request.
    fn relaxed_conditions(&self) -> Vec<Vec<usize>> {
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (source, s) in self.sources.iter().enumerate() {
            if !s.ast.variables_enabled() {
                continue;
            }
            for (i, stmt) in s.ast.statements.iter().enumerate() {
                for c in &stmt.conditions {
                    let texts: Vec<&str> = c.values.iter().map(|v| v.value.as_text()).collect();
                    if !texts.iter().any(|t| t.contains("${")) {
                        continue;
                    }
                    let whole = texts
                        .iter()
                        .all(|t| !t.contains("${") || is_whole_variable(t));
                    if whole && c.operator.value.qualifier.is_none() {
                        continue;
                    }
                    let mut sorted = texts.clone();
                    sorted.sort_unstable();
                    let text = format!(
                        "{}|{}|{:?}",
                        c.operator_text,
                        c.key.value.to_ascii_lowercase(),
                        sorted
                    );
                    let column = self.column(source, i);
                    match groups.iter_mut().find(|(t, _)| *t == text) {
                        Some((_, columns)) => columns.push(column),
                        None => groups.push((text, vec![column])),
                    }
                }
            }
        }
        groups.into_iter().map(|(_, columns)| columns).collect()
    }

    /// Builds every dimension.
    pub(crate) fn dimensions(&mut self) -> Dimensions {
        let (actions, action_bits) = self.action_atoms();
        let (resources, resource_bits) = self.resource_atoms();
        let (callers, caller_bits) = self.caller_atoms();
        let mut bits = vec![action_bits, resource_bits, caller_bits];
        let mut keys = Vec::new();
        for component in components(self.conditions_by_key()) {
            if let [(key, written, conditions)] = component.as_slice() {
                let (atoms, key_bits) = self.key_atoms(key, conditions);
                keys.push((
                    vec![written.clone()],
                    atoms.into_iter().map(|a| vec![a]).collect(),
                ));
                bits.push(key_bits);
            } else {
                let (atoms, key_bits) = self.joint_atoms(&component);
                keys.push((component.iter().map(|(_, w, _)| w.clone()).collect(), atoms));
                bits.push(key_bits);
            }
        }
        // Relaxed conditions come last: the request a path stands for ignores them.
        for columns in self.relaxed_conditions() {
            let holds = self.statement_bits(&|_| true);
            let mut fails = holds;
            for c in columns {
                fails.clear(c);
            }
            bits.push(vec![holds, fails]);
        }
        Dimensions {
            actions,
            resources,
            callers,
            keys,
            bits,
        }
    }

    /// The request a path through the dimensions stands for.
    pub(crate) fn request(&self, dims: &Dimensions, path: &[u32]) -> Option<Request> {
        let at = |d: usize| path.get(d).map(|i| *i as usize);
        let action = dims.actions.get(at(0)?)?.clone();
        let arn = dims.resources.get(at(1)?)?.0.clone();
        let caller_atom = *dims.callers.get(at(2)?)?;
        let principal = self.caller(caller_atom);
        let account = if self.resource_based() {
            self.resource_account.clone()
        } else {
            IDENTITY_ACCOUNT.to_string()
        };
        let mut context = Context::new();
        for (k, (names, atoms)) in dims.keys.iter().enumerate() {
            let atom = atoms.get(at(3 + k)?)?;
            for (name, value) in names.iter().zip(atom) {
                if let Some(value) = value {
                    context.insert(name, value.clone());
                }
            }
        }
        Some(Request {
            principal,
            action,
            resource: Resource {
                arn,
                account: Some(account),
            },
            context,
        })
    }
}

/// One condition on a key, with the column of its statement.
struct KeyCondition {
    column: usize,
    /// The keys of the policy variables in its values (lower case).
    references: Vec<String>,
    /// Every variable in its values is a whole value (`"${aws:PrincipalTag/team}"`):
    /// the condition compares the key with another key, which the joint partition
    /// decides exactly.
    whole_variables: bool,
    op: ast::ConditionOp,
    qualified: bool,
    values: Vec<String>,
    variables: bool,
    compiled: CompiledCondition,
}

/// One set of values for every way a set can behave under the key's conditions.
///
/// Each condition on a multi-valued key reads a set through one per-value predicate
/// (what the condition says of the set holding that value alone), either as "some
/// value satisfies it" (`ForAnyValue`, plain positive operators) or "every value does"
/// (`ForAllValues`, plain negated operators). So a non-empty set behaves as the pair
/// (any, all) of those vectors over its members, and folding the value classes in one
/// at a time, keeping one set per distinct pair, reaches every behaviour. `None` when
/// there are more than [`MAX_VALUE_SETS`] of them.
fn value_sets(
    key: &str,
    conditions: &[KeyCondition],
    values: &[String],
) -> Option<Vec<Vec<String>>> {
    let signature = |v: &String| {
        let mut ctx = Context::new();
        ctx.insert(key, ContextValue::multi([v.clone()]));
        let mut b = Bits::default();
        for (i, c) in conditions.iter().enumerate() {
            if c.compiled.matches(&ctx) {
                b.set(i);
            }
        }
        b
    };
    let mut states: Vec<((Bits, Bits), Vec<String>)> = Vec::new();
    let mut seen: HashMap<(Bits, Bits), ()> = HashMap::new();
    let mut classes: HashMap<Bits, ()> = HashMap::new();
    for v in values {
        let sig = signature(v);
        // Values with the same predicates are interchangeable in a set.
        if classes.insert(sig, ()).is_some() {
            continue;
        }
        let mut added = Vec::new();
        let single = ((sig, sig), vec![v.clone()]);
        for candidate in states
            .iter()
            .map(|((any, all), members)| {
                let mut m = members.clone();
                m.push(v.clone());
                ((any.or(&sig), all.and(&sig)), m)
            })
            .chain(std::iter::once(single))
        {
            if seen.insert(candidate.0, ()).is_none() {
                added.push(candidate);
            }
        }
        states.extend(added);
        if states.len() > MAX_VALUE_SETS {
            return None;
        }
    }
    Some(states.into_iter().map(|(_, members)| members).collect())
}

/// One atom of a condition-key dimension: a value (or absence) for each of its keys.
pub(crate) type KeyAtom = Vec<Option<ContextValue>>;

/// A condition key (lower case, as first written) and the conditions on it.
type KeyGroup = (String, String, Vec<KeyCondition>);

/// The keys of the policy variables in a value (`${aws:username}`,
/// `${aws:PrincipalTag/team, 'none'}`), lower case; the escapes `${*}`, `${?}` and
/// `${$}` name no key.
fn variable_keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            break;
        };
        let inner = &after[..end];
        let name = inner.split(',').next().unwrap_or("").trim();
        if !matches!(name, "*" | "?" | "$" | "") {
            out.push(name.to_ascii_lowercase());
        }
        rest = &after[end + 1..];
    }
    out
}

/// Whether the value is one policy variable and nothing else, without a default.
fn is_whole_variable(text: &str) -> bool {
    text.starts_with("${")
        && text.ends_with('}')
        && text.matches("${").count() == 1
        && !text.contains(',')
        && variable_keys(text).len() == 1
}

/// Groups keys that policy variables tie together (a condition on one key whose values
/// read another); every other key is a group of its own. Keys that are only read
/// through variables join the group with no conditions of their own.
fn components(keys: Vec<KeyGroup>) -> Vec<Vec<KeyGroup>> {
    let mut groups: Vec<KeyGroup> = keys;
    // Keys read through variables that carry no condition themselves.
    let referenced: Vec<String> = groups
        .iter()
        .flat_map(|(_, _, cs)| cs.iter().flat_map(|c| c.references.iter().cloned()))
        .collect();
    for r in referenced {
        if !groups.iter().any(|(k, _, _)| *k == r) {
            groups.push((r.clone(), r, Vec::new()));
        }
    }
    let n = groups.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while parent[i] != i {
            let p = parent[i];
            parent[i] = parent[p];
            i = p;
        }
        i
    }
    for i in 0..n {
        let refs: Vec<String> = groups[i]
            .2
            .iter()
            .flat_map(|c| c.references.iter().cloned())
            .collect();
        for r in refs {
            if let Some(j) = groups.iter().position(|(k, _, _)| *k == r) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| find(&mut parent, i)).collect();
    let mut out: Vec<Vec<KeyGroup>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for (group, root) in groups.into_iter().zip(roots) {
        match slot.get(&root) {
            Some(&i) => out[i].push(group),
            None => {
                slot.insert(root, out.len());
                out.push(vec![group]);
            }
        }
    }
    out
}
