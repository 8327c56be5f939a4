//! IAM Access Analyzer: analyzers, archive rules and findings. Analyzer tags live in
//! the shared `tags` table under the analyzer's ARN.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::rows::*;
use super::SqliteStore;
use crate::access_analyzer::*;
use crate::api::AccessAnalyzerStore;
use crate::error::{StoreError, StoreResult};
use crate::model::Tag;
use crate::time::Timestamp;

const ANALYZER_COLUMNS: &str = "arn, account_id, name, analyzer_type, status, created_ms, \
     configuration, last_resource_analyzed, last_resource_analyzed_ms, analyzed_epoch";

fn analyzer_from_row(r: &Row<'_>) -> rusqlite::Result<Analyzer> {
    Ok(Analyzer {
        arn: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get(2)?,
        analyzer_type: r.get(3)?,
        status: r.get(4)?,
        created: Timestamp(r.get(5)?),
        configuration: r.get(6)?,
        last_resource_analyzed: r.get(7)?,
        last_resource_analyzed_at: r.get::<_, Option<i64>>(8)?.map(Timestamp),
        analyzed_epoch: r.get::<_, i64>(9)?.max(0) as u64,
        tags: Vec::new(),
    })
}

fn no_such_analyzer(arn: &str) -> StoreError {
    StoreError::no_such_entity(format!("Analyzer {arn} not found."))
}

fn load_analyzer(conn: &Connection, account_id: &str, arn: &str) -> StoreResult<Analyzer> {
    let sql =
        format!("SELECT {ANALYZER_COLUMNS} FROM analyzers WHERE account_id = ?1 AND arn = ?2");
    let mut analyzer = conn
        .prepare_cached(&sql)?
        .query_row([account_id, arn], analyzer_from_row)
        .optional()?
        .ok_or_else(|| no_such_analyzer(arn))?;
    analyzer.tags = load_tags(conn, arn)?;
    Ok(analyzer)
}

fn require_analyzer(conn: &Connection, account_id: &str, arn: &str) -> StoreResult<()> {
    let found = conn
        .prepare_cached("SELECT 1 FROM analyzers WHERE account_id = ?1 AND arn = ?2")?
        .query_row([account_id, arn], |_| Ok(()))
        .optional()?;
    found.ok_or_else(|| no_such_analyzer(arn))
}

fn rule_from_row(r: &Row<'_>) -> rusqlite::Result<ArchiveRule> {
    Ok(ArchiveRule {
        name: r.get(0)?,
        filter: r.get(1)?,
        created: Timestamp(r.get(2)?),
        updated: Timestamp(r.get(3)?),
    })
}

fn load_rule(
    conn: &Connection,
    analyzer_arn: &str,
    name: &str,
) -> StoreResult<Option<ArchiveRule>> {
    Ok(conn
        .prepare_cached(
            "SELECT name, filter, created_ms, updated_ms FROM archive_rules
             WHERE analyzer_arn = ?1 AND name = ?2",
        )?
        .query_row([analyzer_arn, name], rule_from_row)
        .optional()?)
}

fn no_such_rule(name: &str) -> StoreError {
    StoreError::no_such_entity(format!("Archive rule {name} not found."))
}

fn insert_rule(
    conn: &Connection,
    analyzer_arn: &str,
    name: &str,
    filter: &str,
    now: Timestamp,
) -> StoreResult<ArchiveRule> {
    if load_rule(conn, analyzer_arn, name)?.is_some() {
        return Err(StoreError::already_exists(format!(
            "Archive rule {name} already exists."
        )));
    }
    conn.prepare_cached(
        "INSERT INTO archive_rules (analyzer_arn, name, filter, created_ms, updated_ms)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![analyzer_arn, name, filter, now.millis()])?;
    Ok(ArchiveRule {
        name: name.to_owned(),
        filter: filter.to_owned(),
        created: now,
        updated: now,
    })
}

fn finding_from_row(r: &Row<'_>) -> rusqlite::Result<AnalyzerFinding> {
    Ok(AnalyzerFinding {
        id: r.get(0)?,
        finding_type: r.get(1)?,
        resource: r.get(2)?,
        resource_type: r.get(3)?,
        resource_owner_account: r.get(4)?,
        status: r.get(5)?,
        details: r.get(6)?,
        created: Timestamp(r.get(7)?),
        updated: Timestamp(r.get(8)?),
        analyzed: Timestamp(r.get(9)?),
    })
}

#[async_trait]
impl AccessAnalyzerStore for SqliteStore {
    async fn create_analyzer(
        &self,
        account_id: &str,
        analyzer: NewAnalyzer,
    ) -> StoreResult<Analyzer> {
        let account_id = account_id.to_owned();
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let arn = analyzer_arn(&analyzer.region, &account_id, &analyzer.name);
            let taken = ctx
                .conn
                .prepare_cached("SELECT 1 FROM analyzers WHERE arn = ?1")?
                .query_row([&arn], |_| Ok(()))
                .optional()?;
            if taken.is_some() {
                return Err(StoreError::already_exists(format!(
                    "Analyzer {} already exists.",
                    analyzer.name
                )));
            }
            let now = ctx.now;
            ctx.conn
                .prepare_cached(
                    "INSERT INTO analyzers (arn, account_id, region, name, analyzer_type, status,
                         created_ms, configuration)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'ACTIVE', ?6, ?7)",
                )?
                .execute(params![
                    arn,
                    account_id,
                    analyzer.region,
                    analyzer.name,
                    analyzer.analyzer_type,
                    now.millis(),
                    analyzer.configuration
                ])?;
            insert_tags(ctx.conn, &arn, &analyzer.tags)?;
            for (name, filter) in &analyzer.archive_rules {
                insert_rule(ctx.conn, &arn, name, filter, now)?;
            }
            load_analyzer(ctx.conn, &account_id, &arn)
        })
        .await
    }

    async fn get_analyzer(&self, account_id: &str, arn: &str) -> StoreResult<Analyzer> {
        self.read(|conn| load_analyzer(conn, account_id, arn))
    }

    async fn list_analyzers(&self, account_id: &str, region: &str) -> StoreResult<Vec<Analyzer>> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {ANALYZER_COLUMNS} FROM analyzers WHERE account_id = ?1 AND region = ?2
                 ORDER BY name"
            );
            let mut analyzers = conn
                .prepare_cached(&sql)?
                .query_map([account_id, region], analyzer_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            for analyzer in &mut analyzers {
                analyzer.tags = load_tags(conn, &analyzer.arn)?;
            }
            Ok(analyzers)
        })
    }

    async fn update_analyzer_configuration(
        &self,
        account_id: &str,
        arn: &str,
        configuration: Option<String>,
    ) -> StoreResult<Analyzer> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            require_analyzer(ctx.conn, &account_id, &arn)?;
            // A new configuration asks for a new analysis.
            ctx.conn
                .prepare_cached(
                    "UPDATE analyzers SET configuration = ?2, analyzed_epoch = 0 WHERE arn = ?1",
                )?
                .execute(params![arn, configuration])?;
            load_analyzer(ctx.conn, &account_id, &arn)
        })
        .await
    }

    async fn delete_analyzer(&self, account_id: &str, arn: &str) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            require_analyzer(ctx.conn, &account_id, &arn)?;
            for sql in [
                "DELETE FROM analyzer_findings WHERE analyzer_arn = ?1",
                "DELETE FROM archive_rules WHERE analyzer_arn = ?1",
                "DELETE FROM analyzers WHERE arn = ?1",
            ] {
                ctx.conn.prepare_cached(sql)?.execute([&arn])?;
            }
            delete_tags(ctx.conn, &arn)
        })
        .await
    }

    async fn tag_analyzer(&self, account_id: &str, arn: &str, tags: Vec<Tag>) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            require_analyzer(ctx.conn, &account_id, &arn)?;
            merge_tags(ctx.conn, &arn, tags)
        })
        .await
    }

    async fn untag_analyzer(
        &self,
        account_id: &str,
        arn: &str,
        keys: Vec<String>,
    ) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            require_analyzer(ctx.conn, &account_id, &arn)?;
            remove_tags(ctx.conn, &arn, &keys)
        })
        .await
    }

    async fn put_archive_rule(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        name: &str,
        filter: &str,
        replace: bool,
    ) -> StoreResult<ArchiveRule> {
        let (account_id, arn, name, filter) = (
            account_id.to_owned(),
            analyzer_arn.to_owned(),
            name.to_owned(),
            filter.to_owned(),
        );
        self.write(move |ctx| {
            require_analyzer(ctx.conn, &account_id, &arn)?;
            if !replace {
                return insert_rule(ctx.conn, &arn, &name, &filter, ctx.now);
            }
            let mut rule = load_rule(ctx.conn, &arn, &name)?.ok_or_else(|| no_such_rule(&name))?;
            ctx.conn
                .prepare_cached(
                    "UPDATE archive_rules SET filter = ?3, updated_ms = ?4
                     WHERE analyzer_arn = ?1 AND name = ?2",
                )?
                .execute(params![arn, name, filter, ctx.now.millis()])?;
            rule.filter = filter;
            rule.updated = ctx.now;
            Ok(rule)
        })
        .await
    }

    async fn get_archive_rule(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        name: &str,
    ) -> StoreResult<ArchiveRule> {
        self.read(|conn| {
            require_analyzer(conn, account_id, analyzer_arn)?;
            load_rule(conn, analyzer_arn, name)?.ok_or_else(|| no_such_rule(name))
        })
    }

    async fn list_archive_rules(
        &self,
        account_id: &str,
        analyzer_arn: &str,
    ) -> StoreResult<Vec<ArchiveRule>> {
        self.read(|conn| {
            require_analyzer(conn, account_id, analyzer_arn)?;
            Ok(conn
                .prepare_cached(
                    "SELECT name, filter, created_ms, updated_ms FROM archive_rules
                     WHERE analyzer_arn = ?1 ORDER BY name",
                )?
                .query_map([analyzer_arn], rule_from_row)?
                .collect::<Result<Vec<_>, _>>()?)
        })
    }

    async fn delete_archive_rule(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        name: &str,
    ) -> StoreResult<()> {
        let (account_id, arn, name) = (
            account_id.to_owned(),
            analyzer_arn.to_owned(),
            name.to_owned(),
        );
        self.write(move |ctx| {
            require_analyzer(ctx.conn, &account_id, &arn)?;
            let deleted = ctx
                .conn
                .prepare_cached("DELETE FROM archive_rules WHERE analyzer_arn = ?1 AND name = ?2")?
                .execute([&arn, &name])?;
            if deleted == 0 {
                return Err(no_such_rule(&name));
            }
            Ok(())
        })
        .await
    }

    async fn list_analyzer_findings(
        &self,
        account_id: &str,
        analyzer_arn: &str,
    ) -> StoreResult<Vec<AnalyzerFinding>> {
        self.read(|conn| {
            require_analyzer(conn, account_id, analyzer_arn)?;
            Ok(conn
                .prepare_cached(
                    "SELECT id, finding_type, resource, resource_type, resource_owner_account,
                            status, details, created_ms, updated_ms, analyzed_ms
                     FROM analyzer_findings WHERE analyzer_arn = ?1 ORDER BY created_ms, id",
                )?
                .query_map([analyzer_arn], finding_from_row)?
                .collect::<Result<Vec<_>, _>>()?)
        })
    }

    async fn save_analysis(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        result: AnalysisResult,
    ) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), analyzer_arn.to_owned());
        self.write(move |ctx| {
            require_analyzer(ctx.conn, &account_id, &arn)?;
            let mut stmt = ctx.conn.prepare_cached(
                "INSERT OR REPLACE INTO analyzer_findings (analyzer_arn, id, finding_type, resource,
                     resource_type, resource_owner_account, status, details, created_ms,
                     updated_ms, analyzed_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for f in &result.findings {
                stmt.execute(params![
                    arn,
                    f.id,
                    f.finding_type,
                    f.resource,
                    f.resource_type,
                    f.resource_owner_account,
                    f.status,
                    f.details,
                    f.created.millis(),
                    f.updated.millis(),
                    f.analyzed.millis()
                ])?;
            }
            ctx.conn
                .prepare_cached(
                    "UPDATE analyzers SET analyzed_epoch = ?2,
                         last_resource_analyzed = COALESCE(?3, last_resource_analyzed),
                         last_resource_analyzed_ms = ?4
                     WHERE arn = ?1",
                )?
                .execute(params![
                    arn,
                    result.epoch as i64,
                    result.last_resource,
                    ctx.now.millis()
                ])?;
            Ok(())
        })
        .await
    }

    async fn set_findings_status(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        ids: Vec<String>,
        status: &str,
    ) -> StoreResult<()> {
        let (account_id, arn, status) = (
            account_id.to_owned(),
            analyzer_arn.to_owned(),
            status.to_owned(),
        );
        self.write(move |ctx| {
            require_analyzer(ctx.conn, &account_id, &arn)?;
            let mut stmt = ctx.conn.prepare_cached(
                "UPDATE analyzer_findings SET status = ?3, updated_ms = ?4
                 WHERE analyzer_arn = ?1 AND id = ?2",
            )?;
            for id in &ids {
                if stmt.execute(params![arn, id, status, ctx.now.millis()])? == 0 {
                    return Err(StoreError::no_such_entity(format!(
                        "Finding {id} not found."
                    )));
                }
            }
            Ok(())
        })
        .await
    }
}
