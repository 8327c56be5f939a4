//! The credential report: GenerateCredentialReport and GetCredentialReport (both on
//! `*`). The report is AWS's CSV, column for column: the account root first as
//! `<root_account>`, then every user by name, with `N/A`, `no_information` and
//! `not_supported` where AWS writes them.
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use store::{
    CertificateReport, CredentialInventory, CredentialReport, KeyReport, KeyStatus, PasswordPolicy,
    Timestamp,
};

use super::policies::any_resource;
use super::{Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!(
            "GenerateCredentialReport",
            any_resource,
            generate_credential_report
        ),
        operation!("GetCredentialReport", any_resource, get_credential_report),
    ]
}

/// A report is reused for four hours, then a new one is generated (and the old one
/// counts as expired), as in IAM.
const REPORT_LIFETIME_MS: i64 = 4 * 60 * 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The columns, in AWS's order.
pub const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

const NOT_APPLICABLE: &str = "N/A";
const NO_INFORMATION: &str = "no_information";
const NOT_SUPPORTED: &str = "not_supported";

/// The report's date form: ISO 8601 with a numeric UTC offset (`...T12:00:00+00:00`).
fn date(t: Timestamp) -> String {
    let text = t.iso8601();
    match text.strip_suffix('Z') {
        Some(base) => format!("{base}+00:00"),
        None => text,
    }
}

fn boolean(value: bool) -> String {
    if value { "true" } else { "false" }.to_owned()
}

/// The five columns of one access key slot.
fn key_columns(key: Option<&KeyReport>) -> [String; 5] {
    let Some(k) = key else {
        return [
            boolean(false),
            NOT_APPLICABLE.into(),
            NOT_APPLICABLE.into(),
            NOT_APPLICABLE.into(),
            NOT_APPLICABLE.into(),
        ];
    };
    let or_na = |v: &Option<String>| v.clone().unwrap_or_else(|| NOT_APPLICABLE.into());
    [
        boolean(k.key.status == KeyStatus::Active),
        date(k.key.created),
        k.last_used
            .date
            .map(date)
            .unwrap_or_else(|| NOT_APPLICABLE.into()),
        or_na(&k.last_used.region),
        or_na(&k.last_used.service),
    ]
}

/// The two columns of one signing certificate slot.
fn certificate_columns(certificate: Option<&CertificateReport>) -> [String; 2] {
    match certificate {
        Some(c) => [boolean(c.active), date(c.uploaded)],
        None => [boolean(false), NOT_APPLICABLE.into()],
    }
}

fn row(head: [String; 8], keys: &[KeyReport], certificates: &[CertificateReport]) -> Vec<String> {
    let mut fields = head.to_vec();
    fields.extend(key_columns(keys.first()));
    fields.extend(key_columns(keys.get(1)));
    fields.extend(certificate_columns(certificates.first()));
    fields.extend(certificate_columns(certificates.get(1)));
    fields
}

fn next_rotation(policy: Option<&PasswordPolicy>, changed: Timestamp) -> String {
    match policy.and_then(|p| p.max_age_days) {
        Some(days) => date(Timestamp(changed.millis() + i64::from(days) * DAY_MS)),
        None => NOT_APPLICABLE.into(),
    }
}

/// One CSV field, quoted when it holds a separator, a quote or a line break.
fn csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// The report's CSV text.
pub fn render(inventory: &CredentialInventory) -> String {
    let account = &inventory.account;
    let policy = inventory.password_policy.as_ref();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(inventory.users.len() + 2);
    rows.push(COLUMNS.iter().map(|c| (*c).to_owned()).collect());
    rows.push(row(
        [
            "<root_account>".into(),
            store::root_arn(&account.account_id),
            date(account.created),
            NOT_SUPPORTED.into(),
            NO_INFORMATION.into(),
            NOT_SUPPORTED.into(),
            NOT_SUPPORTED.into(),
            // The root's MFA is managed from the console, which iamd does not serve.
            boolean(false),
        ],
        &inventory.root_keys,
        &inventory.root_certificates,
    ));
    for entry in &inventory.users {
        let user = &entry.user;
        let profile = entry.login_profile.as_ref();
        let last_used = match (profile, user.password_last_used) {
            (None, _) => NOT_APPLICABLE.into(),
            (Some(_), Some(t)) => date(t),
            (Some(_), None) => NO_INFORMATION.into(),
        };
        rows.push(row(
            [
                user.name.clone(),
                user.arn(),
                date(user.created),
                boolean(profile.is_some()),
                last_used,
                profile
                    .map(|p| date(p.password_changed))
                    .unwrap_or_else(|| NOT_APPLICABLE.into()),
                profile
                    .map(|p| next_rotation(policy, p.password_changed))
                    .unwrap_or_else(|| NOT_APPLICABLE.into()),
                boolean(entry.mfa_active),
            ],
            &entry.keys,
            &entry.certificates,
        ));
    }
    let mut out = String::new();
    for (i, fields) in rows.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, field) in fields.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            csv_field(&mut out, field);
        }
    }
    out
}

fn fresh(report: &CredentialReport, now: Timestamp) -> bool {
    now.millis() - report.generated.millis() < REPORT_LIFETIME_MS
}

async fn generate_credential_report(call: &Call, _target: &Target) -> ApiResult<String> {
    let now = Timestamp::now();
    let existing = call.store().get_credential_report(call.account()).await?;
    if existing.is_some_and(|r| fresh(&r, now)) {
        return Ok(call.respond(|w| {
            w.text("State", "COMPLETE");
        }));
    }
    // Generation is quick, so the report is ready when this answers; the first answer
    // still says STARTED, as IAM's does, and the next one COMPLETE.
    let inventory = call.store().credential_inventory(call.account()).await?;
    let content = render(&inventory).into_bytes();
    call.store()
        .put_credential_report(
            call.account(),
            CredentialReport {
                generated: now,
                content,
            },
        )
        .await?;
    Ok(call.respond(|w| {
        w.text("State", "STARTED").text(
            "Description",
            "No report exists. Starting a new report generation task",
        );
    }))
}

async fn get_credential_report(call: &Call, _target: &Target) -> ApiResult<String> {
    let report = call
        .store()
        .get_credential_report(call.account())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                "ReportNotPresent",
                "Credential report not present. Use GenerateCredentialReport to generate a new report.",
            )
        })?;
    if !fresh(&report, Timestamp::now()) {
        return Err(ApiError::new(
            "ReportExpired",
            "The credential report has expired. To generate a new credential report, use GenerateCredentialReport.",
        ));
    }
    Ok(call.respond(|w| {
        w.text("Content", &B64.encode(&report.content))
            .text("ReportFormat", "text/csv")
            .text("GeneratedTime", &report.generated.iso8601());
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::{AccessKey, AccessKeyLastUsed, Account, LoginProfile, User, UserCredentials};

    fn inventory() -> CredentialInventory {
        let t = Timestamp(1_700_000_000_000);
        let user = |name: &str| User {
            account_id: "123456789012".into(),
            user_id: format!("AIDA{name}"),
            name: name.into(),
            path: "/".into(),
            created: t,
            permissions_boundary: None,
            password_last_used: None,
            tags: vec![],
        };
        let key = |id: &str, status, used: Option<(&str, &str)>| KeyReport {
            key: AccessKey {
                account_id: "123456789012".into(),
                access_key_id: id.into(),
                user_name: None,
                status,
                created: t,
            },
            last_used: AccessKeyLastUsed {
                date: used.map(|_| Timestamp(t.millis() + 1000)),
                service: used.map(|(s, _)| s.to_owned()),
                region: used.map(|(_, r)| r.to_owned()),
            },
        };
        CredentialInventory {
            account: Account {
                account_id: "123456789012".into(),
                alias: None,
                created: t,
            },
            root_keys: vec![key(
                "AKIAROOT",
                KeyStatus::Active,
                Some(("iam", "us-east-1")),
            )],
            root_certificates: vec![],
            users: vec![
                UserCredentials {
                    user: user("alice"),
                    login_profile: Some(LoginProfile {
                        user_name: "alice".into(),
                        created: t,
                        password_changed: t,
                        reset_required: false,
                    }),
                    mfa_active: true,
                    keys: vec![
                        key("AKIA1", KeyStatus::Active, None),
                        key("AKIA2", KeyStatus::Inactive, Some(("sts", "eu-west-1"))),
                    ],
                    certificates: vec![
                        CertificateReport {
                            active: false,
                            uploaded: t,
                        },
                        CertificateReport {
                            active: true,
                            uploaded: Timestamp(t.millis() + 1000),
                        },
                    ],
                },
                UserCredentials {
                    user: user("bob"),
                    login_profile: None,
                    mfa_active: false,
                    keys: vec![],
                    certificates: vec![],
                },
            ],
            password_policy: Some(PasswordPolicy {
                max_age_days: Some(90),
                ..PasswordPolicy::default()
            }),
        }
    }

    #[test]
    fn rows_as_aws_writes_them() {
        let csv = render(&inventory());
        let lines: Vec<&str> = csv.split('\n').collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "<root_account>,arn:aws:iam::123456789012:root,2023-11-14T22:13:20+00:00,\
             not_supported,no_information,not_supported,not_supported,false,\
             true,2023-11-14T22:13:20+00:00,2023-11-14T22:13:21+00:00,us-east-1,iam,\
             false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        );
        assert_eq!(
            lines[2],
            "alice,arn:aws:iam::123456789012:user/alice,2023-11-14T22:13:20+00:00,\
             true,no_information,2023-11-14T22:13:20+00:00,2024-02-12T22:13:20+00:00,true,\
             true,2023-11-14T22:13:20+00:00,N/A,N/A,N/A,\
             false,2023-11-14T22:13:20+00:00,2023-11-14T22:13:21+00:00,eu-west-1,sts,\
             false,2023-11-14T22:13:20+00:00,true,2023-11-14T22:13:21+00:00"
        );
        assert_eq!(
            lines[3],
            "bob,arn:aws:iam::123456789012:user/bob,2023-11-14T22:13:20+00:00,\
             false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        );
        assert!(lines.iter().all(|l| l.split(',').count() == COLUMNS.len()));
    }

    #[test]
    fn fields_with_commas_are_quoted() {
        let mut out = String::new();
        csv_field(&mut out, "a,b");
        assert_eq!(out, "\"a,b\"");
    }
}
