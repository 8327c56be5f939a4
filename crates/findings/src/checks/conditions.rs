//! `Condition`: operators, keys and values. Each operator block and each key is
//! checked on its own; AWS's wording names the operator and the key as written.
use std::net::IpAddr;

use policy::ast::{ConditionOp, Operator, SetQualifier};
use policy::json::{Kind, Member, Value};
use policy::parse::parse_operator;

use super::global_keys::{global_key_type, service_key_type};
use crate::catalogue::{self as c, Check};
use crate::document::Statement;
use crate::report::{index, join, value, Path, Report};
use crate::report::{key, Step};

pub(super) fn check(statement: &Statement, variables_enabled: bool, report: &mut Report) {
    let Some(condition) = statement.condition else {
        return;
    };
    let Kind::Object(operators) = &condition.value.kind else {
        return;
    };
    let path = join(&statement.path, value("Condition"));
    if operators.is_empty() {
        report.at(
            c::EMPTY_OBJECT_CONDITION,
            "This condition block is empty and it does not affect the policy. Specify conditions."
                .to_string(),
            path,
            condition.value.span,
        );
        return;
    }
    for block in operators {
        operator_block(block, &path, variables_enabled, report);
    }
    let entries = statement.condition_entries();
    let has = |key: &str| entries.iter().any(|e| e.key.eq_ignore_ascii_case(key));
    for entry in &entries {
        for (key, partners) in PAIRED_KEYS {
            if entry.key.eq_ignore_ascii_case(key) && !partners.iter().any(|p| has(p)) {
                report.at(
                    c::MISSING_PAIRED_CONDITION_KEYS,
                    format!("Using the condition key {} can be overly permissive without also using the following condition keys: {}. Condition keys like this one are more secure when paired with a related key. We recommend that you add the related condition keys to the same condition block.", entry.key, partners.join(", ")),
                    entry.path.clone(),
                    entry.span,
                );
            }
        }
        if entry
            .key
            .eq_ignore_ascii_case("token.actions.githubusercontent.com:sub")
        {
            for value in entry.values.iter().filter(|v| v.text.contains(['*', '?'])) {
                report.at(
                    c::SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED,
                    "Using a wildcard (*) in token.actions.githubusercontent.com:sub can allow requests from more sources than you intended. Specify the value of token.actions.githubusercontent.com:sub with the repository and branch name.".to_string(),
                    value.path.clone(),
                    value.span,
                );
            }
        }
    }
}

/// Keys that say little alone, with the keys they need beside them.
const PAIRED_KEYS: [(&str, &[&str]); 1] = [("aws:VpcSourceIp", &["aws:SourceVpc"])];

/// The tag keys whose name must go on with `/tag-key`.
const TAG_KEY_PREFIXES: [&str; 3] = ["aws:RequestTag", "aws:ResourceTag", "aws:PrincipalTag"];

/// The family of an operator, as AWS names operator types in its messages.
fn family(op: ConditionOp) -> &'static str {
    use ConditionOp as Op;
    match op {
        Op::StringEquals
        | Op::StringNotEquals
        | Op::StringEqualsIgnoreCase
        | Op::StringNotEqualsIgnoreCase
        | Op::StringLike
        | Op::StringNotLike => "String",
        Op::NumericEquals
        | Op::NumericNotEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => "Numeric",
        Op::DateEquals
        | Op::DateNotEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => "Date",
        Op::Bool => "Bool",
        Op::BinaryEquals => "Binary",
        Op::IpAddress | Op::NotIpAddress => "IPAddress",
        Op::ArnEquals | Op::ArnNotEquals | Op::ArnLike | Op::ArnNotLike => "ARN",
        Op::Null => "Null",
    }
}

fn operator_block(block: &Member, base: &[Step<'_>], variables_enabled: bool, report: &mut Report) {
    let op_text = block.key.as_ref();
    let key_path = join(base, key(op_text));
    let Some(operator) = parse_operator(op_text) else {
        report.at(
            c::INVALID_CONDITION_OPERATOR,
            format!(
                "The condition operator {op_text} is not valid. Use a valid condition operator."
            ),
            key_path,
            block.key_span,
        );
        return;
    };
    let here = join(base, value(op_text));
    let Kind::Object(keys) = &block.value.kind else {
        report.at(
            c::DATA_TYPE_MISMATCH,
            "The text does not match the expected JSON data type Object.".to_string(),
            here,
            block.value.span,
        );
        return;
    };
    if operator.op == ConditionOp::Null {
        if operator.if_exists {
            report.at(
                c::NULL_WITH_IF_EXISTS,
                "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.".to_string(),
                key_path.clone(),
                block.key_span,
            );
        }
        if operator.qualifier.is_some() {
            report.at(
                c::NULL_WITH_QUALIFIER,
                "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they always return a true or false respectively.".to_string(),
                key_path,
                block.key_span,
            );
        }
    }
    for (i, entry) in keys.iter().enumerate() {
        let repeated = keys.iter().take(i).any(|earlier| {
            earlier.key.eq_ignore_ascii_case(&entry.key) && earlier.key != entry.key
        });
        if repeated {
            report.at(
                c::DUPLICATE_KEYS_WITH_DIFFERENT_CASE,
                format!("The condition key {} appears more than once with different capitalization in the same condition block. Remove the duplicate condition keys.", entry.key),
                join(&here, key(&entry.key)),
                entry.key_span,
            );
        }
        let entry_cx = Entry {
            operator,
            op_text,
            key: entry.key.as_ref(),
            path: join(&here, value(&entry.key)),
            member: entry,
            variables_enabled,
        };
        entry_cx.check(report);
    }
}

/// One `key: values` pair under an operator.
struct Entry<'e> {
    operator: Operator,
    op_text: &'e str,
    key: &'e str,
    path: Path<'e>,
    member: &'e Member<'e>,
    variables_enabled: bool,
}

/// A condition value with where it is.
struct ValueAt<'v> {
    text: String,
    json_type: &'static str,
    value: &'v Value<'v>,
    path: Path<'v>,
}

impl Entry<'_> {
    fn at(&self, report: &mut Report, check: Check, details: String) {
        report.at(check, details, self.path.clone(), self.member.value.span);
    }

    fn check(&self, report: &mut Report) {
        let key_type = self.key_checks(report);
        let Some(values) = self.values(report) else {
            return;
        };
        if values.is_empty() {
            self.empty(report);
            return;
        }
        if let Some(first) = values.first() {
            if values.iter().any(|v| v.json_type != first.json_type) {
                self.at(
                    report,
                    c::INVALID_CONDITION_DATA_TYPE,
                    "The condition value data types do not match. Use condition values of the same JSON data type.".to_string(),
                );
            }
        }
        if let Some(key_type) = key_type {
            self.type_checks(key_type, report);
        }
        self.value_checks(&values, report);
    }

    /// The key's format and existence; its type when known.
    fn key_checks(&self, report: &mut Report) -> Option<&'static str> {
        let Some((prefix, _)) = self.key.split_once(':') else {
            self.at(
                report,
                c::INVALID_CONDITION_KEY_FORMAT,
                "The condition key format is not valid. Use the format service:keyname."
                    .to_string(),
            );
            return None;
        };
        let bare = self.key.strip_suffix('/').unwrap_or(self.key);
        let service_tag_key = awsdata::service(prefix).is_some_and(|s| {
            s.condition_keys.iter().any(|k| {
                k.name
                    .strip_suffix("/${TagKey}")
                    .is_some_and(|name| name.eq_ignore_ascii_case(bare))
            })
        });
        if service_tag_key
            || TAG_KEY_PREFIXES
                .iter()
                .any(|k| k.eq_ignore_ascii_case(bare))
        {
            self.at(
                report,
                c::MISSING_TAG_KEY_IN_CONDITION,
                format!("The condition key {bare}/ must include a tag key to control access based on tags. Use the format {bare}/tag-key and specify a key name for tag-key."),
            );
            return None;
        }
        if prefix.eq_ignore_ascii_case("aws") {
            if self.key.eq_ignore_ascii_case("aws:ARN") {
                self.at(
                    report,
                    c::UNSUPPORTED_GLOBAL_CONDITION_KEY,
                    "The condition key aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn instead.".to_string(),
                );
                return None;
            }
            let found = global_key_type(self.key);
            if found.is_none() {
                self.at(
                    report,
                    c::INVALID_GLOBAL_CONDITION_KEY,
                    format!(
                        "The condition key {} does not exist. Use a valid condition key.",
                        self.key
                    ),
                );
            }
            return found;
        }
        match service_key_type(prefix, self.key) {
            Ok(found) => found,
            Err(()) => {
                self.at(
                    report,
                    c::INVALID_SERVICE_CONDITION_KEY,
                    format!(
                        "The condition key {} does not exist in the service {prefix}. Use a valid condition key.",
                        self.key
                    ),
                );
                None
            }
        }
    }

    /// The values as written: one scalar or an array of scalars.
    fn values(&self, report: &mut Report) -> Option<Vec<ValueAt<'_>>> {
        let scalar = |v: &Value| -> Option<(String, &'static str)> {
            match &v.kind {
                Kind::String(s) => Some((s.to_string(), "String")),
                Kind::Number(n) => Some(((*n).to_string(), "Number")),
                Kind::Bool(b) => Some((b.to_string(), "Boolean")),
                _ => None,
            }
        };
        let mismatch = |report: &mut Report, path: Path, v: &Value| {
            report.at(
                c::DATA_TYPE_MISMATCH,
                "The text does not match the expected JSON data type String.".to_string(),
                path,
                v.span,
            );
        };
        let value = &self.member.value;
        match &value.kind {
            Kind::Array(elements) => {
                let mut out = Vec::with_capacity(elements.len());
                for (i, element) in elements.iter().enumerate() {
                    let path = join(&self.path, index(i));
                    match scalar(element) {
                        Some((text, json_type)) => out.push(ValueAt {
                            text,
                            json_type,
                            value: element,
                            path,
                        }),
                        None => mismatch(report, path, element),
                    }
                }
                Some(out)
            }
            _ => match scalar(value) {
                Some((text, json_type)) => Some(vec![ValueAt {
                    text,
                    json_type,
                    value,
                    path: self.path.clone(),
                }]),
                None => {
                    mismatch(report, self.path.clone(), value);
                    None
                }
            },
        }
    }

    fn empty(&self, report: &mut Report) {
        let key = self.key;
        let (check, details) = match (self.operator.qualifier, self.operator.if_exists) {
            (Some(SetQualifier::ForAllValues), _) => (
                c::EMPTY_ARRAY_CONDITION_FORALLVALUES,
                format!("The ForAllValues prefix with an empty condition key matches only if the key {key} is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead."),
            ),
            (Some(SetQualifier::ForAnyValue), _) => (
                c::EMPTY_ARRAY_CONDITION_FORANYVALUE,
                format!("The ForAnyValue prefix with an empty condition key {key} never matches the request context and it does not affect the policy. Specify conditions."),
            ),
            (None, true) => (
                c::EMPTY_ARRAY_CONDITION_IFEXISTS,
                format!("The IfExists suffix with an empty condition key matches only if the key {key} is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead."),
            ),
            (None, false) => (
                c::EMPTY_ARRAY_CONDITION,
                format!("There are no values for the condition key {key} and it does not affect the policy. Specify conditions."),
            ),
        };
        self.at(report, check, details);
    }

    /// The operator against the key's type.
    fn type_checks(&self, key_type: &str, report: &mut Report) {
        let op_family = family(self.operator.op);
        if op_family == "Null" {
            return;
        }
        let multi_valued = key_type.starts_with("ArrayOf");
        let base_types = key_type.strip_prefix("ArrayOf").unwrap_or(key_type);
        // A key of several types (aws:EpochTime: Date and Numeric) takes the
        // operators of each; a mismatch names the first.
        let base_type = base_types.split('|').next().unwrap_or(base_types);
        // String operators compare any key's text; ARN operators take ARN and string keys.
        let textual = |t: &str| t == "String" || t == "ARN";
        let compatible = base_types.split('|').any(|base_type| {
            base_type == op_family
                || (textual(base_type) && textual(op_family))
                || (base_type == "Bool" && op_family == "String")
        });
        if !compatible {
            self.at(
                report,
                c::TYPE_MISMATCH,
                format!(
                    "Use the operator type {base_type} instead of operator {} for the condition key {}.",
                    self.op_text, self.key
                ),
            );
        }
        match (self.operator.qualifier, multi_valued) {
            (Some(SetQualifier::ForAllValues), false) => self.at(
                report,
                c::FORALLVALUES_WITH_SINGLE_VALUED_KEY,
                format!("Using ForAllValues qualifier with the single-valued condition key {} can be overly permissive. We recommend that you remove ForAllValues:.", self.key),
            ),
            // The IAM User Guide documents which global keys are multivalued; the
            // service reference's types for service keys are not reliable enough to
            // call a missing qualifier an error.
            (None, true) if self.key.to_ascii_lowercase().starts_with("aws:") => self.at(
                report,
                c::MISSING_QUALIFIER,
                format!("The request context key {} has multiple values. Use the ForAllValues or ForAnyValue condition key qualifiers in your policy.", self.key),
            ),
            _ => {}
        }
    }

    fn value_checks(&self, values: &[ValueAt], report: &mut Report) {
        use ConditionOp as Op;
        let op = self.operator.op;
        let family = family(op);
        let op_text = self.op_text;
        if op == Op::Bool && values.len() > 1 {
            self.at(
                report,
                c::INVALID_CONDITION_MULTIPLE_BOOLEAN,
                "The condition key does not support multiple Boolean values. Use a single Boolean value.".to_string(),
            );
        }
        for v in values {
            if crate::document::has_variable(&v.text) {
                let item = crate::document::Item {
                    text: &v.text,
                    span: v.value.span,
                    path: v.path.clone(),
                };
                super::variables::check_value(&item, self.variables_enabled, report);
            }
            let mut at = |check, details: String| {
                report.at(check, details, v.path.clone(), v.value.span);
            };
            if self.variables_enabled && crate::document::has_variable(&v.text) {
                if !policy::condition::takes_variables(op) {
                    at(
                        c::INVALID_VARIABLE_FOR_OPERATOR,
                        "Policy variables can only be used with String and ARN operators."
                            .to_string(),
                    );
                }
                continue;
            }
            if !policy::condition::value_is_readable(op, &v.text) {
                let (check, details) = match family {
                    "Numeric" => (c::TYPE_MISMATCH_NUMBER, format!("Add a valid numeric value for the condition operator {op_text}.")),
                    "Date" => (c::TYPE_MISMATCH_DATE, "The date condition operator is used with an invalid value. Specify a valid date using YYYY-MM-DD or other ISO 8601 date/time format.".to_string()),
                    "Bool" | "Null" => (c::TYPE_MISMATCH_BOOLEAN, format!("Add a valid Boolean value (true or false) for the condition operator {op_text}.")),
                    "Binary" => (c::TYPE_MISMATCH_STRING, format!("Add a valid base64-encoded string value for the condition operator {op_text}.")),
                    _ => (c::TYPE_MISMATCH_IP_RANGE, format!("The condition operator {op_text} is used with an invalid IP range value. Specify the IP range in standard CIDR format.")),
                };
                at(check, details);
                continue;
            }
            let exact_string = matches!(
                op,
                Op::StringEquals
                    | Op::StringNotEquals
                    | Op::StringEqualsIgnoreCase
                    | Op::StringNotEqualsIgnoreCase
            );
            if exact_string && v.text.contains(['*', '?']) {
                at(
                    c::WILDCARD_WITHOUT_LIKE_OPERATOR,
                    "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), update the condition operator to include Like.".to_string(),
                );
            }
            if family == "Date" && !v.text.is_empty() && v.text.bytes().all(|b| b.is_ascii_digit())
            {
                at(
                    c::INVALID_DATE_VALUE,
                    format!("The date {} might not resolve as expected. We recommend that you use the YYYY-MM-DD format.", v.text),
                );
            }
            if exact_string && !v.text.contains(['*', '?']) {
                if let Some((check, details)) = self.identifier_format(&v.text) {
                    at(check, details);
                }
            }
            if family == "IPAddress" {
                if let Some(better) = normalized_cidr(&v.text) {
                    at(
                        c::IMPROVE_IP_RANGE,
                        format!("The non-zero bits in the IP address after the masked bits are ignored. Replace address with {better}."),
                    );
                }
            }
        }
        self.redundant_numbers(values, report);
        self.private_addresses(values, report);
    }

    /// VPC and endpoint ids, Region names: values whose form the key fixes.
    fn identifier_format(&self, text: &str) -> Option<(Check, String)> {
        let key = self.key;
        if key.eq_ignore_ascii_case("aws:SourceVpc") && !is_resource_id(text, "vpc-") {
            return Some((c::INVALID_VPC_FORMAT, "The VPC identifier in the condition key value is not valid. Use the prefix 'vpc-' followed by 8 or 17 alphanumeric characters.".to_string()));
        }
        if key.eq_ignore_ascii_case("aws:SourceVpce") && !is_resource_id(text, "vpce-") {
            return Some((c::INVALID_VPCE_FORMAT, "The VPCE identifier in the condition key value is not valid.  Use the prefix 'vpce-' followed by 8 or 17 alphanumeric characters.".to_string()));
        }
        if key.eq_ignore_ascii_case("aws:RequestedRegion") && !super::regions::is_region(text) {
            return Some((c::INVALID_REGION, format!("The Region {text} is not valid. Update the condition value to a suported Region.")));
        }
        None
    }

    /// `NumericLessThan: [1, 5]` is `< 5`: the values of one bound are ORed.
    fn redundant_numbers(&self, values: &[ValueAt], report: &mut Report) {
        use ConditionOp as Op;
        let extreme = match self.operator.op {
            Op::NumericLessThan | Op::NumericLessThanEquals => "greatest",
            Op::NumericGreaterThan | Op::NumericGreaterThanEquals => "least",
            _ => return,
        };
        if self.operator.qualifier.is_some() {
            return;
        }
        let numbers = values
            .iter()
            .filter(|v| v.text.parse::<f64>().is_ok())
            .count();
        if numbers > 1 {
            self.at(
                report,
                c::REDUNDANT_CONDITION_VALUE_NUM,
                format!(
                    "Multiple values in {} are redundant. Replace with the {extreme} single value for {}.",
                    self.op_text, self.key
                ),
            );
        }
    }

    /// `aws:SourceIp` sees only public addresses: private ranges never match.
    fn private_addresses(&self, values: &[ValueAt], report: &mut Report) {
        use ConditionOp as Op;
        if !self.key.eq_ignore_ascii_case("aws:SourceIp") {
            return;
        }
        let negated = match self.operator.op {
            Op::IpAddress => false,
            Op::NotIpAddress => true,
            _ => return,
        };
        let private = values.iter().filter(|v| is_private_range(&v.text)).count();
        if private == 0 {
            return;
        }
        let all = private == values.len();
        let (check, details) = match (negated, all) {
            (false, true) => (c::PRIVATE_IP_ADDRESS, "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include only private IP addresses and will not have the desired effect. Update the value to include only public IP addresses."),
            (true, true) => (c::PRIVATE_NOT_IP_ADDRESS, "The values for condition key aws:SourceIp include only private IP addresses and has no effect. aws:SourceIp works only for public IP address ranges. Update the value to include only public IP addresses."),
            (false, false) => (c::PRIVATE_IP_ADDRESS_SUBSET, "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private addresses will not have the desired effect. aws:SourceIp works only for public IP address ranges. To define permissions for private IP ranges, use aws:VpcSourceIp."),
            (true, false) => (c::PRIVATE_NOT_IP_ADDRESS_SUBSET, "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private addresses have no effect. aws:SourceIp works only for public IP address ranges. To define permissions for private IP ranges, use aws:VpcSourceIp."),
        };
        self.at(report, check, details.to_string());
    }
}

/// An address with an optional prefix length.
fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    let (address, bits) = match text.split_once('/') {
        Some((a, b)) => (a, b.parse::<u8>().ok()?),
        None => (text, if text.contains(':') { 128 } else { 32 }),
    };
    let address: IpAddr = address.parse().ok()?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((address, bits))
}

/// The block with the host bits cleared, when the text sets some.
fn normalized_cidr(text: &str) -> Option<String> {
    let (address, bits) = parse_cidr(text)?;
    let masked = match address {
        IpAddr::V4(a) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            IpAddr::V4((u32::from(a) & mask).into())
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            IpAddr::V6((u128::from(a) & mask).into())
        }
    };
    (masked != address).then(|| format!("{masked}/{bits}"))
}

/// Whether the block lies inside the private ranges (RFC 1918, IPv6 unique local).
fn is_private_range(text: &str) -> bool {
    let Some((address, bits)) = parse_cidr(text) else {
        return false;
    };
    match address {
        IpAddr::V4(a) => {
            let [first, second, ..] = a.octets();
            (first == 10 && bits >= 8)
                || (first == 172 && (16..32).contains(&second) && bits >= 12)
                || (first == 192 && second == 168 && bits >= 16)
        }
        IpAddr::V6(a) => {
            (a.segments().first().copied().unwrap_or(0) & 0xfe00) == 0xfc00 && bits >= 7
        }
    }
}

/// `prefix` followed by 8 or 17 lower-case letters and digits.
fn is_resource_id(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|id| {
        (id.len() == 8 || id.len() == 17)
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_normalization() {
        assert_eq!(normalized_cidr("10.0.0.1/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(normalized_cidr("10.0.0.0/8"), None);
        assert_eq!(normalized_cidr("192.0.2.7"), None);
        assert_eq!(
            normalized_cidr("2001:db8::1/32").as_deref(),
            Some("2001:db8::/32")
        );
        assert!(is_private_range("10.1.0.0/16"));
        assert!(is_private_range("172.20.0.0/16"));
        assert!(!is_private_range("172.32.0.0/16"));
        assert!(!is_private_range("203.0.113.0/24"));
    }
}
