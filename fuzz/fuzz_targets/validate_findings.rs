//! Whatever the text, ValidatePolicy's findings catalogue answers (findings, never a
//! panic) for every policy type, and every finding's span lies inside the document.
#![no_main]

use findings::{validate_policy, Options, PolicyType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for policy_type in [
        PolicyType::IdentityPolicy,
        PolicyType::ResourcePolicy,
        PolicyType::ServiceControlPolicy,
        PolicyType::ResourceControlPolicy,
    ] {
        for finding in validate_policy(text, &Options::new(policy_type)) {
            for location in &finding.locations {
                let chars = text.chars().count() as u32;
                assert!(location.span.start.offset <= location.span.end.offset);
                assert!(location.span.end.offset <= chars);
            }
        }
    }
});
