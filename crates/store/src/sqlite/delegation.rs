//! Delegation requests and their template parameters.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::rows::require_account;
use super::SqliteStore;
use crate::api::DelegationStore;
use crate::delegation::*;
use crate::error::{ErrorKind, StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use crate::time::Timestamp;

/// Separates the values of one parameter in `delegation_parameters.vals`; parameter
/// values are printable ASCII (the model's pattern), so it never occurs in one.
const VALUE_SEPARATOR: char = '\u{1f}';

const COLUMNS: &str = "request_id, requestor_account, requestor_name, owner_account, owner_id,
    approver_id, description, request_message, template_arn, permission_policy, workflow_id,
    redirect_url, notification_channel, session_duration, only_send_by_owner, state,
    created_ms, updated_ms, expires_ms, notes, rejection_reason, delegated_kind, delegated_id,
    delegated_name, delegated_path, delegated_arn, finalized_ms, token_hash";

fn no_such_request(id: &str) -> StoreError {
    StoreError::no_such_entity(format!(
        "The delegation request with id {id} cannot be found."
    ))
}

/// Orders an owner's listing by creation time, then id.
fn list_key(created: Timestamp, id: &str) -> String {
    format!("{:016}:{id}", created.millis().max(0))
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<DelegationRequest> {
    let state: String = row.get(15)?;
    let delegated_kind: Option<String> = row.get(21)?;
    let delegated = match delegated_kind {
        Some(kind) => Some(DelegatedIdentity {
            kind,
            id: row.get::<_, Option<String>>(22)?.unwrap_or_default(),
            name: row.get::<_, Option<String>>(23)?.unwrap_or_default(),
            path: row.get::<_, Option<String>>(24)?.unwrap_or_default(),
            arn: row.get::<_, Option<String>>(25)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(DelegationRequest {
        id: row.get(0)?,
        requestor_account: row.get(1)?,
        requestor_name: row.get(2)?,
        owner_account: row.get(3)?,
        owner_id: row.get(4)?,
        approver_id: row.get(5)?,
        description: row.get(6)?,
        request_message: row.get(7)?,
        template_arn: row.get(8)?,
        parameters: Vec::new(),
        permission_policy: row.get(9)?,
        workflow_id: row.get(10)?,
        redirect_url: row.get(11)?,
        notification_channel: row.get(12)?,
        session_duration: row.get(13)?,
        only_send_by_owner: row.get(14)?,
        // A state this version does not know reads as expired: the request can do
        // nothing more rather than something unintended.
        state: DelegationState::parse(&state).unwrap_or(DelegationState::Expired),
        created: Timestamp(row.get(16)?),
        updated: Timestamp(row.get(17)?),
        expires: Timestamp(row.get(18)?),
        notes: row.get(19)?,
        rejection_reason: row.get(20)?,
        delegated,
        finalized: row.get::<_, Option<i64>>(26)?.map(Timestamp),
        token_hash: row.get(27)?,
    })
}

fn load_parameters(conn: &Connection, id: &str) -> StoreResult<Vec<DelegationParameter>> {
    let parameters = conn
        .prepare_cached(
            "SELECT name, kind, vals FROM delegation_parameters WHERE request_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            let vals: String = r.get(2)?;
            Ok(DelegationParameter {
                name: r.get(0)?,
                kind: r.get(1)?,
                values: if vals.is_empty() {
                    Vec::new()
                } else {
                    vals.split(VALUE_SEPARATOR).map(str::to_owned).collect()
                },
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(parameters)
}

fn load(conn: &Connection, id: &str) -> StoreResult<Option<DelegationRequest>> {
    let sql = format!("SELECT {COLUMNS} FROM delegation_requests WHERE request_id = ?1");
    let found = conn
        .prepare_cached(&sql)?
        .query_row([id], from_row)
        .optional()?;
    match found {
        Some(mut request) => {
            request.parameters = load_parameters(conn, id)?;
            Ok(Some(request))
        }
        None => Ok(None),
    }
}

fn check_values(parameters: &[DelegationParameter]) -> StoreResult<()> {
    let bad = parameters
        .iter()
        .flat_map(|p| p.values.iter())
        .any(|v| v.contains(VALUE_SEPARATOR));
    if bad {
        return Err(StoreError::invalid_input(
            "A policy parameter value contains a control character.",
        ));
    }
    Ok(())
}

#[async_trait]
impl DelegationStore for SqliteStore {
    async fn create_delegation_request(
        &self,
        request: DelegationRequest,
    ) -> StoreResult<DelegationRequest> {
        check_values(&request.parameters)?;
        self.write(move |ctx| {
            require_account(ctx.conn, &request.requestor_account)?;
            let duplicate: Option<String> = ctx
                .conn
                .prepare_cached(
                    "SELECT request_id FROM delegation_requests WHERE requestor_account = ?1 AND workflow_id = ?2",
                )?
                .query_row([&request.requestor_account, &request.workflow_id], |r| r.get(0))
                .optional()?;
            if duplicate.is_some() {
                return Err(StoreError::already_exists(format!(
                    "A delegation request with the requestor workflow id {} already exists.",
                    request.workflow_id
                )));
            }
            let open: i64 = ctx
                .conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM delegation_requests WHERE requestor_account = ?1 AND expires_ms > ?2",
                )?
                .query_row(params![request.requestor_account, ctx.now.millis()], |r| r.get(0))?;
            if usize::try_from(open).unwrap_or(usize::MAX) >= MAX_OPEN_DELEGATION_REQUESTS {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for DelegationRequestsPerAccount: {MAX_OPEN_DELEGATION_REQUESTS}"
                )));
            }
            let r = &request;
            ctx.conn
                .prepare_cached(&format!(
                    "INSERT INTO delegation_requests ({COLUMNS}, list_key) VALUES
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                      ?18, ?19, ?20, ?21, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ?22)"
                ))?
                .execute(params![
                    r.id,
                    r.requestor_account,
                    r.requestor_name,
                    r.owner_account,
                    r.owner_id,
                    r.approver_id,
                    r.description,
                    r.request_message,
                    r.template_arn,
                    r.permission_policy,
                    r.workflow_id,
                    r.redirect_url,
                    r.notification_channel,
                    r.session_duration,
                    r.only_send_by_owner,
                    r.state.as_str(),
                    r.created.millis(),
                    r.updated.millis(),
                    r.expires.millis(),
                    r.notes,
                    r.rejection_reason,
                    list_key(r.created, &r.id),
                ])?;
            for (position, p) in r.parameters.iter().enumerate() {
                let vals = p.values.join(&VALUE_SEPARATOR.to_string());
                ctx.conn
                    .prepare_cached(
                        "INSERT INTO delegation_parameters (request_id, position, name, kind, vals)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![r.id, position as i64, p.name, p.kind, vals])?;
            }
            load(ctx.conn, &r.id)?.ok_or_else(|| no_such_request(&r.id))
        })
        .await
    }

    async fn get_delegation_request(&self, id: &str) -> StoreResult<DelegationRequest> {
        self.read(|conn| load(conn, id)?.ok_or_else(|| no_such_request(id)))
    }

    async fn list_delegation_requests(
        &self,
        owner_account: &str,
        owner_id: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<DelegationRequest>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let sql = format!(
                "SELECT {COLUMNS}, list_key FROM delegation_requests
                 WHERE owner_account = ?1 AND owner_id IS NOT NULL
                   AND (?2 IS NULL OR owner_id = ?2) AND list_key > ?3
                 ORDER BY list_key LIMIT ?4"
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![owner_account, owner_id, after, page.fetch_limit()],
                    |r| Ok((from_row(r)?, r.get::<_, String>(28)?)),
                )?
                .collect::<Result<Vec<_>, _>>()?;
            let mut page = Page::from_rows(rows, page, |(_, key)| key.clone()).map(|(r, _)| r);
            for request in &mut page.items {
                request.parameters = load_parameters(conn, &request.id)?;
            }
            Ok(page)
        })
    }

    async fn update_delegation_request(
        &self,
        request: DelegationRequest,
        expected: DelegationState,
    ) -> StoreResult<()> {
        self.write(move |ctx| {
            let r = &request;
            let d = r.delegated.as_ref();
            let changed = ctx
                .conn
                .prepare_cached(
                    "UPDATE delegation_requests SET owner_account = ?3, owner_id = ?4, approver_id = ?5,
                        state = ?6, updated_ms = ?7, expires_ms = ?8, notes = ?9, rejection_reason = ?10,
                        delegated_kind = ?11, delegated_id = ?12, delegated_name = ?13,
                        delegated_path = ?14, delegated_arn = ?15, finalized_ms = ?16, token_hash = ?17
                     WHERE request_id = ?1 AND state = ?2",
                )?
                .execute(params![
                    r.id,
                    expected.as_str(),
                    r.owner_account,
                    r.owner_id,
                    r.approver_id,
                    r.state.as_str(),
                    r.updated.millis(),
                    r.expires.millis(),
                    r.notes,
                    r.rejection_reason,
                    d.map(|d| d.kind.as_str()),
                    d.map(|d| d.id.as_str()),
                    d.map(|d| d.name.as_str()),
                    d.map(|d| d.path.as_str()),
                    d.map(|d| d.arn.as_str()),
                    r.finalized.map(|t| t.millis()),
                    r.token_hash,
                ])?;
            if changed == 0 {
                return match load(ctx.conn, &r.id)? {
                    None => Err(no_such_request(&r.id)),
                    Some(_) => Err(StoreError::new(
                        ErrorKind::ConcurrentModification,
                        "The delegation request was modified concurrently. Retry the request.",
                    )),
                };
            }
            Ok(())
        })
        .await
    }

    async fn delegation_request_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<DelegationRequest>> {
        self.read(|conn| {
            let id: Option<String> = conn
                .prepare_cached("SELECT request_id FROM delegation_requests WHERE token_hash = ?1")?
                .query_row([token_hash], |r| r.get(0))
                .optional()?;
            match id {
                Some(id) => load(conn, &id),
                None => Ok(None),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::AccountStore;
    use crate::secret::MasterKey;

    async fn store() -> (tempfile::TempDir, SqliteStore, String) {
        let dir = tempfile::tempdir().unwrap();
        let (key, _) = MasterKey::generate().unwrap();
        let store = SqliteStore::open(dir.path(), key).unwrap();
        let account = store
            .create_account(None, None)
            .await
            .unwrap()
            .account
            .account_id;
        (dir, store, account)
    }

    fn request(account: &str, id: &str, workflow: &str) -> DelegationRequest {
        let now = Timestamp::now();
        DelegationRequest {
            id: id.to_owned(),
            requestor_account: account.to_owned(),
            requestor_name: None,
            owner_account: None,
            owner_id: None,
            approver_id: None,
            description: "d".to_owned(),
            request_message: None,
            template_arn: "arn:aws:iam::123456789012:policy/t".to_owned(),
            parameters: vec![DelegationParameter {
                name: "buckets".to_owned(),
                values: vec!["a".to_owned(), "b".to_owned()],
                kind: "stringList".to_owned(),
            }],
            permission_policy: "{}".to_owned(),
            workflow_id: workflow.to_owned(),
            redirect_url: None,
            notification_channel: "arn:aws:sns:us-east-1:123456789012:t".to_owned(),
            session_duration: 900,
            only_send_by_owner: false,
            state: DelegationState::Unassigned,
            created: now,
            updated: now,
            expires: Timestamp(now.millis() + 60_000),
            notes: None,
            rejection_reason: None,
            delegated: None,
            finalized: None,
            token_hash: None,
        }
    }

    #[tokio::test]
    async fn requests_round_trip_and_transitions_are_compare_and_set() {
        let (_dir, store, account) = store().await;
        let created = store
            .create_delegation_request(request(&account, "dr-0000000000000001", "wf-1"))
            .await
            .unwrap();
        assert_eq!(created.parameters[0].values, vec!["a", "b"]);
        let dup = store
            .create_delegation_request(request(&account, "dr-0000000000000002", "wf-1"))
            .await
            .unwrap_err();
        assert_eq!(dup.kind, ErrorKind::EntityAlreadyExists);

        // Unowned requests are not listed for any account.
        let listed = store
            .list_delegation_requests(&account, None, &PageRequest::default())
            .await
            .unwrap();
        assert!(listed.items.is_empty());

        let mut assigned = created.clone();
        assigned.owner_account = Some(account.clone());
        assigned.owner_id = Some(format!("arn:aws:iam::{account}:user/o"));
        assigned.state = DelegationState::Assigned;
        store
            .update_delegation_request(assigned.clone(), DelegationState::Unassigned)
            .await
            .unwrap();
        // A second transition from the old state loses.
        let lost = store
            .update_delegation_request(assigned.clone(), DelegationState::Unassigned)
            .await
            .unwrap_err();
        assert_eq!(lost.kind, ErrorKind::ConcurrentModification);

        let mut finalized = assigned.clone();
        finalized.state = DelegationState::Finalized;
        finalized.token_hash = Some("ab".repeat(32));
        finalized.delegated = Some(DelegatedIdentity {
            kind: "user".to_owned(),
            id: "AIDAEXAMPLE".to_owned(),
            name: "o".to_owned(),
            path: "/".to_owned(),
            arn: format!("arn:aws:iam::{account}:user/o"),
        });
        store
            .update_delegation_request(finalized.clone(), DelegationState::Assigned)
            .await
            .unwrap();
        let by_token = store
            .delegation_request_by_token(&"ab".repeat(32))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(by_token.delegated, finalized.delegated);
        assert_eq!(by_token.state, DelegationState::Finalized);
        let owner = format!("arn:aws:iam::{account}:user/o");
        let listed = store
            .list_delegation_requests(&account, Some(&owner), &PageRequest::default())
            .await
            .unwrap();
        assert_eq!(listed.items.len(), 1);
        let other = store
            .list_delegation_requests(
                &account,
                Some("arn:aws:iam::1:user/x"),
                &PageRequest::default(),
            )
            .await
            .unwrap();
        assert!(other.items.is_empty());
    }
}
