//! One simulation of 100 actions against a 10-statement policy and a boundary: the
//! whole request, policies compiled included, as the API answers it.
use criterion::{criterion_group, criterion_main, Criterion};
use simulator::{simulate, PolicyInput, SimulationRequest};

fn policy() -> String {
    let services = [
        "s3", "ec2", "iam", "sqs", "sns", "dynamodb", "lambda", "kms", "logs", "rds",
    ];
    let statements: Vec<String> = services
        .iter()
        .enumerate()
        .map(|(i, service)| {
            let effect = if i % 4 == 3 { "Deny" } else { "Allow" };
            format!(
                r#"{{"Sid":"S{i}","Effect":"{effect}","Action":["{service}:Get*","{service}:List*","{service}:Describe*"],"Resource":"*","Condition":{{"StringEquals":{{"aws:RequestedRegion":"us-east-1"}}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

fn request() -> SimulationRequest {
    let actions: Vec<String> = ["s3:*", "ec2:Describe*", "dynamodb:*"]
        .iter()
        .flat_map(|p| awsdata::expand_action_pattern(p))
        .take(100)
        .collect();
    assert_eq!(actions.len(), 100);
    SimulationRequest {
        identity: vec![PolicyInput::policy_input_list(0, policy())],
        boundary: Some(PolicyInput::boundary_input(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"}}"#,
        )),
        action_names: actions,
        ..SimulationRequest::default()
    }
}

fn bench(c: &mut Criterion) {
    let req = request();
    c.bench_function("simulate 100 actions, 10-statement policy", |b| {
        b.iter(|| simulate(&req).map(|o| o.evaluation_results.len()))
    });
    // The fixed part: checking and compiling the policies, one action.
    let mut one = request();
    one.action_names.truncate(1);
    c.bench_function("simulate 1 action, 10-statement policy", |b| {
        b.iter(|| simulate(&one).map(|o| o.evaluation_results.len()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
