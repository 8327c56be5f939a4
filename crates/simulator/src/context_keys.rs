//! `GetContextKeysForCustomPolicy` / `GetContextKeysForPrincipalPolicy`: the context keys
//! the policies read, in policy order and within a statement as AWS lists them (policy
//! variables of `Resource` first, then condition keys), each once whatever its case.
use policy::validate::PolicyKind;

use crate::compile::compile;
use crate::request::{InputError, PolicyInput};

pub fn context_keys(policies: &[PolicyInput]) -> Result<Vec<String>, InputError> {
    let mut keys: Vec<String> = Vec::new();
    for input in policies {
        let compiled = compile(input, PolicyKind::Identity)?;
        for statement in compiled.statements() {
            for key in statement.referenced_keys() {
                if !keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                    keys.push(key.to_string());
                }
            }
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_then_condition_keys_each_once() {
        // AWS's documented example answers [aws:username, aws:CurrentTime].
        let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}"#;
        let other = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:currenttime":"true"},"StringEquals":{"s3:prefix":"x"}}}}"#;
        let keys = context_keys(&[
            PolicyInput::policy_input_list(0, doc),
            PolicyInput::policy_input_list(1, other),
        ])
        .unwrap();
        assert_eq!(keys, ["aws:username", "aws:CurrentTime", "s3:prefix"]);
    }

    #[test]
    fn a_bad_policy_is_named() {
        let err = context_keys(&[PolicyInput::policy_input_list(0, "{")]).unwrap_err();
        assert_eq!(err.field, "PolicyInputList.1");
    }
}
