//! Access Analyzer's store family: analyzers with tags and archive rules, findings
//! written per analysis run, status updates that are all-or-nothing, service uses that
//! keep the newest per entity, service and action.
use store::api::*;
use store::{
    AccessReportJob, AnalysisResult, AnalyzerFinding, ErrorKind, MasterKey, NewAnalyzer,
    ServiceUse, SqliteStore, Tag, Timestamp,
};

const ACCT: &str = "123456789012";

async fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let key = MasterKey::load_or_create(dir.path(), None).unwrap();
    let store = SqliteStore::open(dir.path(), key).unwrap();
    store.create_account(Some(ACCT.into()), None).await.unwrap();
    (dir, store)
}

fn analyzer(name: &str) -> NewAnalyzer {
    NewAnalyzer {
        region: "us-east-1".into(),
        name: name.into(),
        analyzer_type: "ACCOUNT".into(),
        configuration: None,
        tags: vec![Tag::new("team", "sec")],
        archive_rules: vec![("r1".into(), r#"{"status":{"eq":["ACTIVE"]}}"#.into())],
    }
}

fn finding(id: &str, status: &str) -> AnalyzerFinding {
    AnalyzerFinding {
        id: id.into(),
        finding_type: "ExternalAccess".into(),
        resource: "arn:aws:iam::123456789012:role/r".into(),
        resource_type: "AWS::IAM::Role".into(),
        resource_owner_account: ACCT.into(),
        status: status.into(),
        details: "{}".into(),
        created: Timestamp(1),
        updated: Timestamp(1),
        analyzed: Timestamp(1),
    }
}

#[tokio::test]
async fn analyzers_rules_and_findings() {
    let (_dir, s) = open().await;
    let a = s.create_analyzer(ACCT, analyzer("a")).await.unwrap();
    assert_eq!(
        a.arn,
        "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a"
    );
    assert_eq!(a.tags, vec![Tag::new("team", "sec")]);
    let again = s.create_analyzer(ACCT, analyzer("a")).await.unwrap_err();
    assert_eq!(again.kind, ErrorKind::EntityAlreadyExists);
    // A failed create with a duplicate inline rule leaves nothing behind.
    let mut dup = analyzer("b");
    dup.archive_rules.push(("r1".into(), "{}".into()));
    assert!(s.create_analyzer(ACCT, dup).await.is_err());
    assert_eq!(s.list_analyzers(ACCT, "us-east-1").await.unwrap().len(), 1);
    assert!(s
        .list_analyzers(ACCT, "eu-west-1")
        .await
        .unwrap()
        .is_empty());

    s.put_archive_rule(ACCT, &a.arn, "r2", "{}", false)
        .await
        .unwrap();
    let replaced = s
        .put_archive_rule(ACCT, &a.arn, "r2", r#"{"x":{"exists":true}}"#, true)
        .await
        .unwrap();
    assert_eq!(replaced.filter, r#"{"x":{"exists":true}}"#);
    let missing = s
        .put_archive_rule(ACCT, &a.arn, "nope", "{}", true)
        .await
        .unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NoSuchEntity);
    let names: Vec<String> = s
        .list_archive_rules(ACCT, &a.arn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["r1", "r2"]);

    s.save_analysis(
        ACCT,
        &a.arn,
        AnalysisResult {
            findings: vec![finding("f1", "ACTIVE"), finding("f2", "ACTIVE")],
            epoch: 7,
            last_resource: Some("arn:aws:iam::123456789012:role/r".into()),
        },
    )
    .await
    .unwrap();
    let got = s.get_analyzer(ACCT, &a.arn).await.unwrap();
    assert_eq!(got.analyzed_epoch, 7);
    assert_eq!(
        got.last_resource_analyzed.as_deref(),
        Some("arn:aws:iam::123456789012:role/r")
    );

    // One unknown id: nothing changes.
    let err = s
        .set_findings_status(ACCT, &a.arn, vec!["f1".into(), "zz".into()], "ARCHIVED")
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NoSuchEntity);
    let statuses: Vec<String> = s
        .list_analyzer_findings(ACCT, &a.arn)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.status)
        .collect();
    assert_eq!(statuses, ["ACTIVE", "ACTIVE"]);
    s.set_findings_status(ACCT, &a.arn, vec!["f1".into()], "ARCHIVED")
        .await
        .unwrap();
    let f1 = s
        .list_analyzer_findings(ACCT, &a.arn)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(f1.status, "ARCHIVED");

    // Another account sees none of it.
    s.create_account(Some("210987654321".into()), None)
        .await
        .unwrap();
    assert_eq!(
        s.get_analyzer("210987654321", &a.arn)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::NoSuchEntity
    );

    s.delete_analyzer(ACCT, &a.arn).await.unwrap();
    assert!(s.list_analyzer_findings(ACCT, &a.arn).await.is_err());
    // The name is free again, with no rules or findings left over.
    let b = s.create_analyzer(ACCT, analyzer("a")).await.unwrap();
    assert!(s
        .list_analyzer_findings(ACCT, &b.arn)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.list_archive_rules(ACCT, &b.arn).await.unwrap().len(), 1);
}

#[tokio::test]
async fn service_uses_keep_the_newest() {
    let (_dir, s) = open().await;
    let used = |action: Option<&str>, at: i64, region: &str| ServiceUse {
        account_id: ACCT.into(),
        entity_arn: "arn:aws:iam::123456789012:user/u".into(),
        service: "iam".into(),
        action: action.map(str::to_owned),
        date: Timestamp(at),
        region: region.into(),
    };
    s.record_service_uses(vec![
        used(None, 20, "us-east-1"),
        used(Some("GetUser"), 20, "us-east-1"),
    ])
    .await
    .unwrap();
    // An older use arriving late does not move the date back.
    s.record_service_uses(vec![
        used(None, 10, "eu-west-1"),
        used(None, 30, "eu-west-2"),
    ])
    .await
    .unwrap();
    let mut uses = s
        .service_uses(ACCT, vec!["arn:aws:iam::123456789012:user/u".into()])
        .await
        .unwrap();
    uses.sort_by_key(|u| u.action.clone());
    assert_eq!(uses.len(), 2);
    assert_eq!(
        (uses[0].date, uses[0].region.as_str()),
        (Timestamp(30), "eu-west-2")
    );
    assert_eq!(uses[1].action.as_deref(), Some("GetUser"));

    let job = AccessReportJob {
        job_id: "00000000-0000-4000-8000-000000000001".into(),
        account_id: ACCT.into(),
        arn: "arn:aws:iam::123456789012:user/u".into(),
        granularity: "SERVICE_LEVEL".into(),
        created: Timestamp(5),
    };
    s.create_access_report_job(job.clone()).await.unwrap();
    assert_eq!(
        s.get_access_report_job(ACCT, &job.job_id).await.unwrap(),
        job
    );
    assert_eq!(
        s.get_access_report_job("210987654321", &job.job_id)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::NoSuchEntity
    );
}
