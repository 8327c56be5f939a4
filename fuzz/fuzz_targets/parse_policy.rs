//! Whatever the bytes, parsing a policy and compiling its conditions and resources
//! never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy::arn::ArnPattern;
use policy::condition::CompiledCondition;
use policy::parse::parse_policy_bytes;
use policy::request::{Context, ContextValue};
use policy::variables::Template;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = parse_policy_bytes(data) else {
        return;
    };
    let vars = parsed.variables_enabled();
    let mut ctx = Context::new();
    ctx.insert("aws:username", ContextValue::single("alice"));
    for statement in &parsed.statements {
        for condition in &statement.conditions {
            if let Ok(compiled) = CompiledCondition::compile(condition, vars) {
                let _ = compiled.matches(&ctx);
            }
        }
        if let Some(resource) = &statement.resource {
            for item in &resource.list.items {
                if let Ok(t) = Template::parse(&item.value, vars) {
                    if let Some(p) = t.resolve_arn_pattern(&ctx) {
                        let _ = p.matches("arn:aws:s3:::bucket/alice/key");
                    }
                }
                let _ =
                    ArnPattern::new(&item.value).matches("arn:aws:iam::123456789012:user/alice");
            }
        }
    }
});
