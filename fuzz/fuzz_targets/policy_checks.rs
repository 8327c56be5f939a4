//! Whatever the two documents, the analyzer's checks answer or refuse (never panic), and
//! a FAIL's witness names an action and a resource.
#![no_main]

use analyzer::{check_no_new_access, check_no_public_access, AccessCheckPolicyType, CheckResult};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The input holds two documents separated by a NUL; without one, the reference
    // policy is a fixed, ordinary one.
    let (new, existing) = text.split_once('\0').unwrap_or((
        text,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}}"#,
    ));
    for policy_type in [
        AccessCheckPolicyType::IdentityPolicy,
        AccessCheckPolicyType::ResourcePolicy,
    ] {
        if let Ok(outcome) = check_no_new_access(new, existing, policy_type) {
            if outcome.result == CheckResult::Fail {
                if let Some(w) = &outcome.witness {
                    assert!(!w.action.is_empty() && !w.resource.is_empty());
                }
            }
        }
    }
    let _ = check_no_public_access(new, "AWS::S3::Bucket");
});
