//! Service last accessed: the newest use of each service (and of each tracked action)
//! per user or role, written in batches, and the report jobs that read it.
use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};

use super::SqliteStore;
use crate::access_analyzer::{AccessReportJob, ServiceUse};
use crate::api::ServiceUsageStore;
use crate::error::{StoreError, StoreResult};
use crate::time::Timestamp;

#[async_trait]
impl ServiceUsageStore for SqliteStore {
    async fn record_service_uses(&self, uses: Vec<ServiceUse>) -> StoreResult<()> {
        if uses.is_empty() {
            return Ok(());
        }
        self.write(move |ctx| {
            let mut stmt = ctx.conn.prepare_cached(
                "INSERT INTO service_last_accessed (account_id, entity_arn, service, action, last_ms, region)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (account_id, entity_arn, service, action) DO UPDATE
                 SET last_ms = excluded.last_ms, region = excluded.region
                 WHERE excluded.last_ms >= last_ms",
            )?;
            for u in &uses {
                stmt.execute(params![
                    u.account_id,
                    u.entity_arn,
                    u.service,
                    u.action.as_deref().unwrap_or(""),
                    u.date.millis(),
                    u.region
                ])?;
            }
            Ok(())
        })
        .await
    }

    async fn service_uses(
        &self,
        account_id: &str,
        entity_arns: Vec<String>,
    ) -> StoreResult<Vec<ServiceUse>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT service, action, last_ms, region FROM service_last_accessed
                 WHERE account_id = ?1 AND entity_arn = ?2",
            )?;
            let mut out = Vec::new();
            for arn in &entity_arns {
                let rows = stmt
                    .query_map([account_id, arn.as_str()], |r| {
                        let action: String = r.get(1)?;
                        Ok(ServiceUse {
                            account_id: account_id.to_owned(),
                            entity_arn: arn.clone(),
                            service: r.get(0)?,
                            action: (!action.is_empty()).then_some(action),
                            date: Timestamp(r.get(2)?),
                            region: r.get(3)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                out.extend(rows);
            }
            Ok(out)
        })
    }

    async fn create_access_report_job(&self, job: AccessReportJob) -> StoreResult<()> {
        self.write(move |ctx| {
            ctx.conn
                .prepare_cached(
                    "INSERT INTO access_report_jobs (job_id, account_id, arn, granularity, created_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    job.job_id,
                    job.account_id,
                    job.arn,
                    job.granularity,
                    job.created.millis()
                ])?;
            Ok(())
        })
        .await
    }

    async fn get_access_report_job(
        &self,
        account_id: &str,
        job_id: &str,
    ) -> StoreResult<AccessReportJob> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT job_id, account_id, arn, granularity, created_ms FROM access_report_jobs
                 WHERE account_id = ?1 AND job_id = ?2",
            )?
            .query_row([account_id, job_id], |r| {
                Ok(AccessReportJob {
                    job_id: r.get(0)?,
                    account_id: r.get(1)?,
                    arn: r.get(2)?,
                    granularity: r.get(3)?,
                    created: Timestamp(r.get(4)?),
                })
            })
            .optional()?
            .ok_or_else(|| {
                StoreError::no_such_entity(format!("The job with id {job_id} cannot be found."))
            })
        })
    }
}
