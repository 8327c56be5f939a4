//! Checks a policy document against the rules of the place it is used (identity,
//! resource, trust, boundary, session, SCP, RCP), in AWS's words.
//!
//! Findings come out in the order AWS checks them, so the first error is the one
//! AWS answers a `Create*`/`Put*` call with; later findings tell the user what else
//! to fix. Checks that are AWS's own rejections are errors; advice AWS does not
//! enforce is a warning.
use crate::ast::{Effect, Policy, PrincipalSpec, Span, Statement, StringList, Version};
use crate::condition;
use crate::error::{msg, ErrorCode, PolicyError};
use crate::parse;
use crate::variables::Template;

mod limits;
mod reference;
mod rules;

pub use limits::{non_whitespace_len, SizeLimit};

/// Where a policy document is used; each place has its own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// A managed or inline policy attached to a user, group or role.
    Identity,
    /// A resource-based policy (S3 bucket policy, SQS queue policy, KMS key policy, ...).
    Resource,
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    Trust,
    /// A managed policy used as a permissions boundary.
    PermissionsBoundary,
    /// A session policy passed to `AssumeRole*` or `GetFederationToken`.
    Session,
    /// An AWS Organizations service control policy.
    Scp,
    /// An AWS Organizations resource control policy.
    Rcp,
}

impl PolicyKind {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Trust => "trust",
            PolicyKind::PermissionsBoundary => "boundary",
            PolicyKind::Session => "session",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
        }
    }

    /// Reads a command-line name (`identity`, `resource`, `trust`, `boundary`,
    /// `session`, `scp`, `rcp`).
    pub fn from_name(name: &str) -> Option<PolicyKind> {
        Some(match name {
            "identity" => PolicyKind::Identity,
            "resource" => PolicyKind::Resource,
            "trust" => PolicyKind::Trust,
            "boundary" | "permissions-boundary" => PolicyKind::PermissionsBoundary,
            "session" => PolicyKind::Session,
            "scp" => PolicyKind::Scp,
            "rcp" => PolicyKind::Rcp,
            _ => return None,
        })
    }

    /// Policies that IAM itself stores or receives (as opposed to AWS Organizations
    /// or another service's resource policy).
    fn is_iam_document(self) -> bool {
        matches!(
            self,
            PolicyKind::Identity
                | PolicyKind::Trust
                | PolicyKind::PermissionsBoundary
                | PolicyKind::Session
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// A stable identifier of the rule, e.g. `MISSING_PRINCIPAL`.
    pub code: &'static str,
    /// AWS's wording for errors AWS reports; our own for warnings.
    pub message: String,
    pub span: Span,
}

/// The outcome of validating a document: the tree when it parsed, and the findings
/// in the order AWS reports them.
#[derive(Debug, Clone)]
pub struct Validation {
    pub policy: Option<Policy>,
    pub findings: Vec<Finding>,
}

impl Validation {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The error AWS answers with, if any.
    pub fn first_error(&self) -> Option<PolicyError> {
        self.findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .map(|f| PolicyError {
                code: if f.code == SIZE_CODE {
                    ErrorCode::LimitExceeded
                } else {
                    ErrorCode::MalformedPolicyDocument
                },
                message: f.message.clone(),
                span: f.span,
            })
    }

    /// The parsed policy when the document has no errors, else AWS's error.
    pub fn into_result(self) -> Result<Policy, PolicyError> {
        if let Some(err) = self.first_error() {
            return Err(err);
        }
        self.policy
            .ok_or_else(|| PolicyError::malformed(msg::SYNTAX, Span::default()))
    }
}

/// Parses `text` and checks it against the rules of `kind`.
pub fn validate_policy(text: &str, kind: PolicyKind) -> Validation {
    let doc = match parse::parse_document(text) {
        Ok(doc) => doc,
        Err(err) => {
            let mut findings = vec![Finding {
                severity: Severity::Error,
                code: "SYNTAX_ERROR",
                message: err.message,
                span: err.span,
            }];
            if matches!(kind, PolicyKind::Scp | PolicyKind::Rcp) {
                organizations_wording(&mut findings);
            }
            return Validation {
                policy: None,
                findings,
            };
        }
    };
    let mut out = Findings::default();
    check_policy(&doc.policy, &doc.legacy_errors, kind, &mut out);
    check_size(text, &doc.policy, kind, &mut out);
    let mut findings = out.into_sorted();
    if matches!(kind, PolicyKind::Scp | PolicyKind::Rcp) {
        organizations_wording(&mut findings);
    }
    Validation {
        policy: Some(doc.policy),
        findings,
    }
}

/// AWS Organizations answers every invalid SCP or RCP with one message; the
/// finding's code and span still say what is wrong.
fn organizations_wording(findings: &mut [Finding]) {
    for f in findings {
        if f.severity == Severity::Error && f.code != SIZE_CODE {
            f.message = ORGANIZATIONS_INVALID.to_string();
        }
    }
}

/// Like [`validate_policy`] for raw bytes: text that is not UTF-8 is a syntax error
/// at the first bad byte.
pub fn validate_policy_bytes(bytes: &[u8], kind: PolicyKind) -> Validation {
    match std::str::from_utf8(bytes) {
        Ok(text) => validate_policy(text, kind),
        Err(_) => {
            let err = parse::parse_policy_bytes(bytes)
                .err()
                .unwrap_or_else(|| PolicyError::malformed(msg::SYNTAX, Span::default()));
            let mut findings = vec![Finding {
                severity: Severity::Error,
                code: "SYNTAX_ERROR",
                message: err.message,
                span: err.span,
            }];
            if matches!(kind, PolicyKind::Scp | PolicyKind::Rcp) {
                organizations_wording(&mut findings);
            }
            Validation {
                policy: None,
                findings,
            }
        }
    }
}

impl Finding {
    /// `LINE:COL: error|warning: CODE: message`, the form the CLI prints after the
    /// file name.
    pub fn render(&self) -> String {
        format!(
            "{}:{}: {}: {}: {}",
            self.span.start.line,
            self.span.start.column,
            self.severity.as_str(),
            self.code,
            self.message
        )
    }
}

/// The order in which AWS runs its checks; a finding's phase places it in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Version,
    Legacy,
    SidUnique,
    Principal,
    Actions,
    Resources,
    ResourceFormat,
    ActionFormat,
    KindActions,
    Size,
    Advice,
}

#[derive(Default)]
struct Findings {
    items: Vec<(Phase, Finding)>,
}

impl Findings {
    fn error(&mut self, phase: Phase, code: &'static str, message: impl Into<String>, span: Span) {
        self.push(phase, Severity::Error, code, message.into(), span);
    }

    fn warning(
        &mut self,
        phase: Phase,
        code: &'static str,
        message: impl Into<String>,
        span: Span,
    ) {
        self.push(phase, Severity::Warning, code, message.into(), span);
    }

    fn push(
        &mut self,
        phase: Phase,
        severity: Severity,
        code: &'static str,
        message: String,
        span: Span,
    ) {
        self.items.push((
            phase,
            Finding {
                severity,
                code,
                message,
                span,
            },
        ));
    }

    /// Errors in AWS's phase order, then warnings; within a phase, document order.
    fn into_sorted(mut self) -> Vec<Finding> {
        self.items.sort_by_key(|(phase, f)| (f.severity, *phase));
        self.items.into_iter().map(|(_, f)| f).collect()
    }
}

/// The wording AWS Organizations uses for any SCP/RCP that breaks its rules.
const ORGANIZATIONS_INVALID: &str =
    "The provided policy document does not meet the requirements of the specified policy type.";

fn check_policy(policy: &Policy, legacy: &[PolicyError], kind: PolicyKind, out: &mut Findings) {
    check_version(policy, kind, out);
    for err in legacy {
        out.error(
            Phase::Legacy,
            "LEGACY_PARSING",
            err.message.clone(),
            err.span,
        );
    }
    check_sids(policy, kind, out);
    for st in &policy.statements {
        check_principal(st, kind, out);
        check_actions(st, kind, out);
        check_resources(st, kind, out);
        check_conditions(st, out);
        if policy.variables_enabled() {
            check_variables(st, out);
        }
        match kind {
            PolicyKind::Scp => check_scp_statement(st, out),
            PolicyKind::Rcp => check_rcp_statement(st, out),
            _ => {}
        }
    }
}

/// The finding code of size quota errors, which AWS reports as `LimitExceeded`.
pub const SIZE_CODE: &str = "POLICY_SIZE";

/// The quota of each kind. An identity policy may be managed (6,144) or inline (up
/// to 10,240 for roles): past the larger it is an error, past the smaller a warning.
fn check_size(text: &str, policy: &Policy, kind: PolicyKind, out: &mut Findings) {
    let (hard, soft) = match kind {
        PolicyKind::PermissionsBoundary => (Some(SizeLimit::Managed), None),
        PolicyKind::Trust => (Some(SizeLimit::Trust), None),
        PolicyKind::Scp | PolicyKind::Rcp => (Some(SizeLimit::Organizations), None),
        PolicyKind::Identity => (Some(SizeLimit::InlineRole), Some(SizeLimit::Managed)),
        PolicyKind::Resource | PolicyKind::Session => (None, None),
    };
    if let Some(Err(err)) = hard.map(|limit| limit.check(text, "")) {
        // The owner's name is not known offline; keep the wording up to it.
        let message = err.message.trim_end().to_string();
        out.error(Phase::Size, SIZE_CODE, message, policy.span);
        return;
    }
    if let Some(limit) = soft {
        let size = limit.measure(text);
        if size > limit.max() {
            out.warning(
                Phase::Advice,
                SIZE_CODE,
                format!(
                    "{size} characters without whitespace: over the {} of a managed policy",
                    limit.max()
                ),
                policy.span,
            );
        }
    }
}

fn check_version(policy: &Policy, kind: PolicyKind, out: &mut Findings) {
    let version = policy.version.as_ref().map(|v| v.value);
    if version == Some(Version::V2012_10_17) {
        return;
    }
    let span = policy
        .version
        .as_ref()
        .map(|v| v.span)
        .unwrap_or(policy.span);
    match kind {
        // Managed policies (boundaries are always managed) must be 2012-10-17.
        PolicyKind::PermissionsBoundary => out.error(
            Phase::Version,
            "VERSION_TOO_OLD",
            msg::VERSION_TOO_OLD,
            span,
        ),
        PolicyKind::Scp | PolicyKind::Rcp => out.error(
            Phase::Version,
            "VERSION_REQUIRED",
            ORGANIZATIONS_INVALID,
            span,
        ),
        _ => {
            let mut what = if version.is_some() {
                "Version 2008-10-17: policy variables such as ${aws:username} are read as literal text"
                    .to_string()
            } else {
                "No \"Version\": policy variables such as ${aws:username} are read as literal text"
                    .to_string()
            };
            if kind == PolicyKind::Identity {
                what.push_str("; managed policies must be version 2012-10-17");
            }
            out.warning(Phase::Advice, "VERSION_TOO_OLD", what, span);
        }
    }
}

fn check_sids(policy: &Policy, kind: PolicyKind, out: &mut Findings) {
    let mut seen: Vec<&str> = Vec::new();
    for st in &policy.statements {
        let Some(sid) = &st.sid else { continue };
        // AWS does not count empty Sids as duplicates.
        if !sid.value.is_empty() {
            if seen.contains(&sid.value.as_str()) {
                out.error(
                    Phase::SidUnique,
                    "DUPLICATE_SID",
                    msg::DUPLICATE_SID,
                    sid.span,
                );
            } else {
                seen.push(&sid.value);
            }
        }
        if !sid.value.chars().all(|c| c.is_ascii_alphanumeric()) {
            // IAM enforces the charset; other services' resource policies and
            // Organizations accept more (S3 and KMS take spaces).
            if kind.is_iam_document() {
                out.error(Phase::SidUnique, "INVALID_SID", msg::INVALID_SID, sid.span);
            } else {
                out.warning(
                    Phase::Advice,
                    "INVALID_SID",
                    "Sid should contain only ASCII letters and digits",
                    sid.span,
                );
            }
        }
    }
}

fn check_principal(st: &Statement, kind: PolicyKind, out: &mut Findings) {
    let principal = st.principal.as_ref();
    match kind {
        PolicyKind::Identity | PolicyKind::PermissionsBoundary | PolicyKind::Session => {
            if let Some(p) = principal {
                out.error(
                    Phase::Principal,
                    "PRINCIPAL_NOT_ALLOWED",
                    msg::NO_PRINCIPAL_ALLOWED,
                    p.span,
                );
            }
        }
        PolicyKind::Scp => {
            if let Some(p) = principal {
                out.error(
                    Phase::Principal,
                    "PRINCIPAL_NOT_ALLOWED",
                    ORGANIZATIONS_INVALID,
                    p.span,
                );
            }
        }
        PolicyKind::Resource | PolicyKind::Trust => match principal {
            None => out.error(
                Phase::Principal,
                "MISSING_PRINCIPAL",
                msg::MISSING_PRINCIPAL,
                st.span,
            ),
            // A trust policy names who may assume the role; "everyone except" is
            // not a principal there.
            Some(p) if p.negated && kind == PolicyKind::Trust => out.error(
                Phase::Principal,
                "MISSING_PRINCIPAL",
                msg::MISSING_PRINCIPAL,
                p.span,
            ),
            Some(p) => {
                if p.negated && st.effect.value == Effect::Allow {
                    out.warning(
                        Phase::Advice,
                        "NOT_PRINCIPAL_WITH_ALLOW",
                        "NotPrincipal is only supported with \"Effect\": \"Deny\"",
                        p.span,
                    );
                }
                check_principal_values(&p.spec, out);
            }
        },
        PolicyKind::Rcp => match principal {
            Some(p) if !p.negated && matches!(p.spec, PrincipalSpec::Any(_)) => {}
            Some(p) => out.error(
                Phase::Principal,
                "RCP_PRINCIPAL",
                ORGANIZATIONS_INVALID,
                p.span,
            ),
            None => out.error(
                Phase::Principal,
                "RCP_PRINCIPAL",
                ORGANIZATIONS_INVALID,
                st.span,
            ),
        },
    }
}

fn check_principal_values(spec: &PrincipalSpec, out: &mut Findings) {
    let PrincipalSpec::Map(entries) = spec else {
        return;
    };
    for (kind, list) in entries {
        if list.items.is_empty() {
            out.error(Phase::Principal, "EMPTY_PRINCIPAL", msg::SYNTAX, list.span);
        }
        for item in &list.items {
            if !rules::principal_value_is_valid(kind.value, &item.value) {
                out.error(
                    Phase::Principal,
                    "INVALID_PRINCIPAL",
                    format!(
                        "{}: \"{}\":\"{}\"",
                        msg::INVALID_PRINCIPAL,
                        kind.value.as_str(),
                        item.value
                    ),
                    item.span,
                );
            }
        }
    }
}

fn check_actions(st: &Statement, kind: PolicyKind, out: &mut Findings) {
    let Some(block) = &st.action else {
        out.error(
            Phase::Actions,
            "MISSING_ACTION",
            msg::MISSING_ACTIONS,
            st.span,
        );
        return;
    };
    if block.list.items.is_empty() {
        out.error(
            Phase::Actions,
            "MISSING_ACTION",
            msg::MISSING_ACTIONS,
            block.list.span,
        );
        return;
    }
    for item in &block.list.items {
        if let Some(message) = rules::action_syntax_error(&item.value) {
            out.error(Phase::ActionFormat, "INVALID_ACTION", message, item.span);
        } else if let Some(problem) = reference::action_problem(&item.value) {
            out.warning(
                Phase::Advice,
                problem.code(),
                problem.message(&item.value),
                item.span,
            );
        }
    }
    if kind == PolicyKind::Trust {
        let only_assume_role = !block.negated
            && block
                .list
                .items
                .iter()
                .all(|a| rules::is_trust_action(&a.value));
        if !only_assume_role {
            let span = block
                .list
                .items
                .iter()
                .find(|a| block.negated || !rules::is_trust_action(&a.value))
                .map(|a| a.span)
                .unwrap_or(block.list.span);
            out.error(
                Phase::KindActions,
                "TRUST_ACTION",
                msg::TRUST_ACTIONS_ONLY,
                span,
            );
        }
    }
}

fn check_resources(st: &Statement, kind: PolicyKind, out: &mut Findings) {
    if kind == PolicyKind::Trust {
        if let Some(block) = &st.resource {
            let field = if block.negated {
                "NotResource"
            } else {
                "Resource"
            };
            out.error(
                Phase::Resources,
                "PROHIBITED_RESOURCE",
                format!("Has prohibited field {field}"),
                block.list.span,
            );
        }
        return;
    }
    let Some(block) = &st.resource else {
        out.error(
            Phase::Resources,
            "MISSING_RESOURCE",
            msg::MISSING_RESOURCES,
            st.span,
        );
        return;
    };
    if block.list.items.is_empty() {
        out.error(
            Phase::Resources,
            "MISSING_RESOURCE",
            msg::MISSING_RESOURCES,
            block.list.span,
        );
        return;
    }
    check_resource_list(&block.list, out);
}

fn check_resource_list(list: &StringList, out: &mut Findings) {
    for item in &list.items {
        match rules::resource_check(&item.value) {
            rules::ResourceCheck::Ok => {}
            rules::ResourceCheck::Legacy => out.error(
                Phase::Legacy,
                "LEGACY_PARSING",
                msg::LEGACY_PARSING,
                item.span,
            ),
            rules::ResourceCheck::Invalid(message) => out.error(
                Phase::ResourceFormat,
                "INVALID_RESOURCE",
                message,
                item.span,
            ),
            rules::ResourceCheck::Suspicious(message) => {
                out.warning(Phase::Advice, "SUSPICIOUS_RESOURCE", message, item.span)
            }
        }
    }
}

fn check_conditions(st: &Statement, out: &mut Findings) {
    use crate::ast::ConditionOp as Op;
    for cond in &st.conditions {
        let is_date = matches!(
            cond.operator.value.op,
            Op::DateEquals
                | Op::DateNotEquals
                | Op::DateLessThan
                | Op::DateLessThanEquals
                | Op::DateGreaterThan
                | Op::DateGreaterThanEquals
        );
        if is_date {
            for v in &cond.values {
                if !rules::legacy_date_is_valid(v.value.as_text()) {
                    out.error(Phase::Legacy, "LEGACY_PARSING", msg::LEGACY_PARSING, v.span);
                }
            }
        }
        check_value_types(cond, out);
        if cond.operator.value.op == Op::Null && cond.operator.value.if_exists {
            // IAM stores it; IAM Access Analyzer's finding, with its wording.
            out.warning(
                Phase::Advice,
                "NULL_WITH_IF_EXISTS",
                "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.",
                cond.operator.span,
            );
        }
        if cond.operator.value.op == Op::Null {
            for v in &cond.values {
                if !matches!(v.value.as_text(), "true" | "false") {
                    out.warning(
                        Phase::Advice,
                        "NULL_VALUE",
                        "Null takes \"true\" or \"false\"",
                        v.span,
                    );
                }
            }
        }
    }
}

/// Condition values the operator cannot read. AWS stores them (IAM Access Analyzer
/// reports "Type mismatch ..." as general warnings); they equal nothing in evaluation.
/// Dates the legacy parser refuses are errors (above); `Null` has its own warning.
fn check_value_types(cond: &crate::ast::Condition, out: &mut Findings) {
    use crate::ast::ConditionOp as Op;
    let op = cond.operator.value.op;
    let (code, what) = match op {
        Op::NumericEquals
        | Op::NumericNotEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => ("TYPE_MISMATCH_NUMBER", "a number"),
        Op::DateEquals
        | Op::DateNotEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => ("TYPE_MISMATCH_DATE", "an ISO 8601 date or epoch time"),
        Op::Bool => ("TYPE_MISMATCH_BOOLEAN", "true or false"),
        Op::BinaryEquals => ("TYPE_MISMATCH_BINARY", "base-64 text"),
        Op::IpAddress | Op::NotIpAddress => {
            ("TYPE_MISMATCH_IP_RANGE", "an IP address or CIDR block")
        }
        _ => return,
    };
    for v in &cond.values {
        let text = v.value.as_text();
        // A variable in a `Bool` value is read per request; dates the legacy parser
        // refuses are already errors.
        let variable = op == Op::Bool && text.contains("${");
        let legacy_refused = code == "TYPE_MISMATCH_DATE" && !rules::legacy_date_is_valid(text);
        if variable || legacy_refused || condition::value_is_readable(op, text) {
            continue;
        }
        out.warning(
            Phase::Advice,
            code,
            format!(
                "{} takes {what}: the value {text:?} matches nothing",
                cond.operator_text
            ),
            v.span,
        );
    }
}

/// Malformed policy variables (`${` without `}`, `${}`, a space in the name, a badly
/// quoted default) in `Resource`/`NotResource` and in values of the operators that
/// read variables. AWS stores such policies; IAM Access Analyzer reports these with
/// the same codes. The string holding one matches nothing.
fn check_variables(st: &Statement, out: &mut Findings) {
    let resources = st.resource.iter().flat_map(|b| b.list.items.iter());
    let values = st
        .conditions
        .iter()
        .filter(|c| condition::takes_variables(c.operator.value.op))
        .flat_map(|c| c.values.iter())
        .filter_map(|v| match &v.value {
            crate::ast::ConditionValue::String(s) => Some((s.as_str(), v.span)),
            _ => None,
        });
    let texts = resources
        .map(|r| (r.value.as_str(), r.span))
        .chain(values)
        .filter(|(text, _)| text.contains("${"));
    for (text, span) in texts {
        if let Err(err) = Template::parse(text, true) {
            out.warning(
                Phase::Advice,
                err.code(),
                format!("{err}; the value matches nothing"),
                span,
            );
        }
    }
}

/// AWS Organizations' rules for SCPs beyond the IAM grammar: no principal (checked
/// with the principal rules) and statements built from the elements SCPs support.
fn check_scp_statement(st: &Statement, out: &mut Findings) {
    if let Some(block) = &st.action {
        for item in &block.list.items {
            if item.value.is_empty() {
                out.error(
                    Phase::KindActions,
                    "SCP_ACTION",
                    ORGANIZATIONS_INVALID,
                    item.span,
                );
            }
        }
    }
}

/// AWS Organizations' rules for RCPs: `Principal` is `"*"`, effects are `Deny`
/// (only AWS's `RCPFullAWSAccess` allows), no `NotAction`, and only services that
/// support RCPs.
fn check_rcp_statement(st: &Statement, out: &mut Findings) {
    let full_access = st.effect.value == Effect::Allow
        && st
            .action
            .as_ref()
            .is_some_and(|a| !a.negated && a.list.items.iter().all(|i| i.value == "*"))
        && st.conditions.is_empty();
    if st.effect.value == Effect::Allow && !full_access {
        out.error(
            Phase::KindActions,
            "RCP_ALLOW",
            ORGANIZATIONS_INVALID,
            st.effect.span,
        );
    }
    let Some(block) = &st.action else { return };
    if block.negated {
        out.error(
            Phase::KindActions,
            "RCP_NOT_ACTION",
            ORGANIZATIONS_INVALID,
            block.list.span,
        );
        return;
    }
    if full_access {
        return;
    }
    for item in &block.list.items {
        if !rules::is_rcp_action(&item.value) {
            out.error(
                Phase::KindActions,
                "RCP_SERVICE",
                ORGANIZATIONS_INVALID,
                item.span,
            );
        }
    }
}
