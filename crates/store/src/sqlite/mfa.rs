//! Virtual MFA devices: creation with a sealed seed, enabling for a user with two
//! consecutive codes, resynchronisation, and single-use code checks. Every code check is
//! a write: the newest accepted time step and the failure count must be durable before
//! the answer, or a code could be replayed after a restart.
use async_trait::async_trait;
use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension, Row};
use zeroize::Zeroizing;

use super::rows::*;
use super::SqliteStore;
use crate::api::MfaStore;
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::page::{Page, PageRequest};
use crate::secret::SecretString;
use crate::time::Timestamp;
use crate::totp::{self, CodeClock, CodeGenerator};

/// `SELECT` list for [`device_from_row`]: the device `d` and its user `u`, if any.
const DEVICE_COLUMNS: &str = "d.account_id, d.serial, d.name, d.path, d.created_ms, d.enabled_ms, \
     u.user_id, u.account_id, u.name, u.path, u.created_ms, u.boundary_arn, u.password_last_used_ms";

const DEVICE_FROM: &str = "mfa_devices d LEFT JOIN users u ON u.user_id = d.user_id";

fn device_from_row(row: &Row<'_>) -> rusqlite::Result<MfaDevice> {
    let user = match row.get::<_, Option<String>>(6)? {
        Some(user_id) => Some(User {
            user_id,
            account_id: row.get(7)?,
            name: row.get(8)?,
            path: row.get(9)?,
            created: Timestamp(row.get(10)?),
            permissions_boundary: row.get(11)?,
            password_last_used: row.get::<_, Option<i64>>(12)?.map(Timestamp),
            tags: Vec::new(),
        }),
        None => None,
    };
    Ok(MfaDevice {
        account_id: row.get(0)?,
        serial_number: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        created: Timestamp(row.get(4)?),
        enable_date: row.get::<_, Option<i64>>(5)?.map(Timestamp),
        user,
        tags: Vec::new(),
    })
}

/// Serial numbers compare case-insensitively, like the names they end in.
fn serial_key(serial: &str) -> String {
    serial.to_lowercase()
}

fn no_such_device(serial: &str) -> StoreError {
    StoreError::no_such_entity(format!(
        "VirtualMFADevice with serial number {serial} doesn't exist."
    ))
}

/// What a code check needs of a device row.
struct CodeState {
    device_id: String,
    user_id: Option<String>,
    sealed_seed: Vec<u8>,
    clock: CodeClock,
}

fn code_state(conn: &Connection, account_id: &str, serial: &str) -> StoreResult<Option<CodeState>> {
    Ok(conn
        .prepare_cached(
            "SELECT device_id, user_id, sealed_seed, last_step, drift_steps, failures, failures_since_ms
             FROM mfa_devices WHERE account_id = ?1 AND serial_key = ?2",
        )?
        .query_row([account_id, &serial_key(serial)], |r| {
            Ok(CodeState {
                device_id: r.get(0)?,
                user_id: r.get(1)?,
                sealed_seed: r.get(2)?,
                clock: CodeClock {
                    last_step: r.get(3)?,
                    drift: r.get(4)?,
                    failures: r.get::<_, i64>(5)?.clamp(0, i64::from(u32::MAX)) as u32,
                    failures_since_ms: r.get(6)?,
                },
            })
        })
        .optional()?)
}

fn save_clock(conn: &Connection, device_id: &str, clock: &CodeClock) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE mfa_devices SET last_step = ?2, drift_steps = ?3, failures = ?4, failures_since_ms = ?5
         WHERE device_id = ?1",
    )?
    .execute(params![
        device_id,
        clock.last_step,
        clock.drift,
        i64::from(clock.failures),
        clock.failures_since_ms
    ])?;
    Ok(())
}

/// The device's id, or `NoSuchEntity`.
fn device_id(conn: &Connection, account_id: &str, serial: &str) -> StoreResult<String> {
    conn.prepare_cached(
        "SELECT device_id FROM mfa_devices WHERE account_id = ?1 AND serial_key = ?2",
    )?
    .query_row([account_id, &serial_key(serial)], |r| r.get(0))
    .optional()?
    .ok_or_else(|| no_such_device(serial))
}

/// Which step of a pair check this is.
#[derive(Clone, Copy)]
enum PairCheck {
    Enable,
    Resync,
}

impl SqliteStore {
    fn seed_codes(&self, state: &CodeState) -> StoreResult<CodeGenerator> {
        let seed = self
            .key()
            .open(state.device_id.as_bytes(), &state.sealed_seed)?;
        Ok(CodeGenerator::new(&seed))
    }

    async fn check_pair(
        &self,
        account_id: &str,
        user_name: &str,
        serial: &str,
        codes: (&str, &str),
        now: Timestamp,
        kind: PairCheck,
    ) -> StoreResult<CodeCheck> {
        let store = self.clone();
        let (account_id, user_name, serial) = (
            account_id.to_owned(),
            user_name.to_owned(),
            serial.to_owned(),
        );
        let codes = (codes.0.to_owned(), codes.1.to_owned());
        self.write(move |ctx| {
            let user = user_id(ctx.conn, &account_id, &user_name)?;
            let mut state =
                code_state(ctx.conn, &account_id, &serial)?.ok_or_else(|| no_such_device(&serial))?;
            match kind {
                PairCheck::Enable => {
                    if state.user_id.is_some() {
                        return Err(StoreError::already_exists("MFA Device is already in use."));
                    }
                    let enabled: i64 = ctx
                        .conn
                        .prepare_cached("SELECT COUNT(*) FROM mfa_devices WHERE user_id = ?1")?
                        .query_row([&user], |r| r.get(0))?;
                    if enabled >= MAX_MFA_DEVICES_PER_USER as i64 {
                        return Err(StoreError::limit_exceeded(format!(
                            "Cannot exceed quota for MFADevicesPerUser: {MAX_MFA_DEVICES_PER_USER}"
                        )));
                    }
                }
                PairCheck::Resync => {
                    if state.user_id.as_deref() != Some(user.as_str()) {
                        return Err(no_such_device(&serial));
                    }
                }
            }
            let generator = store.seed_codes(&state)?;
            let pair = (codes.0.as_str(), codes.1.as_str());
            let check = match kind {
                PairCheck::Enable => {
                    state
                        .clock
                        .check_pair(&generator, pair, now, totp::ENABLE_WINDOW, false)
                }
                PairCheck::Resync => {
                    state
                        .clock
                        .check_pair(&generator, pair, now, totp::RESYNC_WINDOW, true)
                }
            };
            // Failures are kept too: they are what throttles guessing.
            save_clock(ctx.conn, &state.device_id, &state.clock)?;
            if check == CodeCheck::Accepted {
                if let PairCheck::Enable = kind {
                    ctx.conn
                        .prepare_cached(
                            "UPDATE mfa_devices SET user_id = ?2, enabled_ms = ?3 WHERE device_id = ?1",
                        )?
                        .execute(params![state.device_id, user, ctx.now.millis()])?;
                    ctx.auth_changed();
                }
            }
            Ok(check)
        })
        .await
    }
}

#[async_trait]
impl MfaStore for SqliteStore {
    async fn create_virtual_mfa_device(
        &self,
        account_id: &str,
        name: &str,
        path: &str,
        tags: Vec<Tag>,
    ) -> StoreResult<NewVirtualMfaDevice> {
        let mut raw_id = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut raw_id);
        let device_id: String = raw_id.iter().map(|b| format!("{b:02x}")).collect();
        let mut seed = Zeroizing::new(vec![0u8; totp::SEED_BYTES]);
        rand::rngs::OsRng.fill_bytes(&mut seed);
        let sealed = self.key().seal(device_id.as_bytes(), &seed)?;
        let base32_seed = SecretString::new(totp::base32_seed(&seed));
        let serial = iam_arn(account_id, "mfa", path, name);
        let (account_id, name, path) = (account_id.to_owned(), name.to_owned(), path.to_owned());
        let device = self
            .write(move |ctx| {
                require_account(ctx.conn, &account_id)?;
                let taken = ctx
                    .conn
                    .prepare_cached(
                        "SELECT 1 FROM mfa_devices WHERE account_id = ?1 AND serial_key = ?2",
                    )?
                    .query_row([&account_id, &serial_key(&serial)], |_| Ok(()))
                    .optional()?;
                if taken.is_some() {
                    return Err(StoreError::already_exists(
                        "MFADevice entity at the same path and name already exists.",
                    ));
                }
                ctx.conn
                    .prepare_cached(
                        "INSERT INTO mfa_devices (device_id, account_id, serial, serial_key, name, path, created_ms, sealed_seed)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    )?
                    .execute(params![
                        device_id,
                        account_id,
                        serial,
                        serial_key(&serial),
                        name,
                        path,
                        ctx.now.millis(),
                        sealed
                    ])?;
                insert_tags(ctx.conn, &device_id, &tags)?;
                Ok(MfaDevice {
                    account_id,
                    serial_number: serial,
                    name,
                    path,
                    created: ctx.now,
                    user: None,
                    enable_date: None,
                    tags,
                })
            })
            .await?;
        Ok(NewVirtualMfaDevice {
            device,
            base32_seed,
        })
    }

    async fn enable_mfa_device(
        &self,
        account_id: &str,
        user_name: &str,
        serial: &str,
        codes: (&str, &str),
        now: Timestamp,
    ) -> StoreResult<CodeCheck> {
        self.check_pair(account_id, user_name, serial, codes, now, PairCheck::Enable)
            .await
    }

    async fn resync_mfa_device(
        &self,
        account_id: &str,
        user_name: &str,
        serial: &str,
        codes: (&str, &str),
        now: Timestamp,
    ) -> StoreResult<CodeCheck> {
        self.check_pair(account_id, user_name, serial, codes, now, PairCheck::Resync)
            .await
    }

    async fn deactivate_mfa_device(
        &self,
        account_id: &str,
        user_name: &str,
        serial: &str,
    ) -> StoreResult<()> {
        let (account_id, user_name, serial) = (
            account_id.to_owned(),
            user_name.to_owned(),
            serial.to_owned(),
        );
        self.write(move |ctx| {
            let user = user_id(ctx.conn, &account_id, &user_name)?;
            let state = code_state(ctx.conn, &account_id, &serial)?
                .ok_or_else(|| no_such_device(&serial))?;
            if state.user_id.as_deref() != Some(user.as_str()) {
                return Err(no_such_device(&serial));
            }
            // The accepted steps stay: re-enabling the device cannot replay old codes.
            ctx.conn
                .prepare_cached(
                    "UPDATE mfa_devices SET user_id = NULL, enabled_ms = NULL WHERE device_id = ?1",
                )?
                .execute([&state.device_id])?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn delete_virtual_mfa_device(&self, account_id: &str, serial: &str) -> StoreResult<()> {
        let (account_id, serial) = (account_id.to_owned(), serial.to_owned());
        self.write(move |ctx| {
            let state = code_state(ctx.conn, &account_id, &serial)?
                .ok_or_else(|| no_such_device(&serial))?;
            if state.user_id.is_some() {
                return Err(StoreError::delete_conflict("MFA Device is still in use."));
            }
            ctx.conn
                .prepare_cached("DELETE FROM mfa_devices WHERE device_id = ?1")?
                .execute([&state.device_id])?;
            delete_tags(ctx.conn, &state.device_id)?;
            Ok(())
        })
        .await
    }

    async fn get_mfa_device(&self, account_id: &str, serial: &str) -> StoreResult<MfaDevice> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {DEVICE_COLUMNS}, d.device_id FROM {DEVICE_FROM}
                 WHERE d.account_id = ?1 AND d.serial_key = ?2"
            );
            let found = conn
                .prepare_cached(&sql)?
                .query_row([account_id, &serial_key(serial)], |r| {
                    Ok((device_from_row(r)?, r.get::<_, String>(13)?))
                })
                .optional()?;
            let (mut device, id) = found.ok_or_else(|| no_such_device(serial))?;
            device.tags = load_tags(conn, &id)?;
            Ok(device)
        })
    }

    async fn list_mfa_devices(
        &self,
        account_id: &str,
        user_name: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<MfaDevice>> {
        let after = page.after_key()?;
        self.read(|conn| {
            let user = user_id(conn, account_id, user_name)?;
            let sql = format!(
                "SELECT {DEVICE_COLUMNS} FROM {DEVICE_FROM}
                 WHERE d.user_id = ?1 AND d.serial_key > ?2 ORDER BY d.serial_key LIMIT ?3"
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(params![user, after, page.fetch_limit()], device_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |d| {
                serial_key(&d.serial_number)
            }))
        })
    }

    async fn list_virtual_mfa_devices(
        &self,
        account_id: &str,
        assignment: MfaAssignment,
        page: &PageRequest,
    ) -> StoreResult<Page<MfaDevice>> {
        let after = page.after_key()?;
        let filter = match assignment {
            MfaAssignment::Assigned => "AND d.user_id IS NOT NULL",
            MfaAssignment::Unassigned => "AND d.user_id IS NULL",
            MfaAssignment::Any => "",
        };
        self.read(|conn| {
            let sql = format!(
                "SELECT {DEVICE_COLUMNS} FROM {DEVICE_FROM}
                 WHERE d.account_id = ?1 AND d.serial_key > ?2 {filter}
                 ORDER BY d.serial_key LIMIT ?3"
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, after, page.fetch_limit()],
                    device_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |d| {
                serial_key(&d.serial_number)
            }))
        })
    }

    async fn tag_mfa_device(
        &self,
        account_id: &str,
        serial: &str,
        tags: Vec<Tag>,
    ) -> StoreResult<()> {
        let (account_id, serial) = (account_id.to_owned(), serial.to_owned());
        self.write(move |ctx| {
            let id = device_id(ctx.conn, &account_id, &serial)?;
            merge_tags(ctx.conn, &id, tags)?;
            // Resource tags feed policy conditions.
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn untag_mfa_device(
        &self,
        account_id: &str,
        serial: &str,
        keys: Vec<String>,
    ) -> StoreResult<()> {
        let (account_id, serial) = (account_id.to_owned(), serial.to_owned());
        self.write(move |ctx| {
            let id = device_id(ctx.conn, &account_id, &serial)?;
            remove_tags(ctx.conn, &id, &keys)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn list_mfa_device_tags(
        &self,
        account_id: &str,
        serial: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Tag>> {
        self.read(|conn| {
            let id = device_id(conn, account_id, serial)?;
            tags_page(conn, &id, page)
        })
    }

    async fn verify_mfa_code(
        &self,
        account_id: &str,
        serial: &str,
        code: &str,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let store = self.clone();
        let (account_id, serial, code) =
            (account_id.to_owned(), serial.to_owned(), code.to_owned());
        let check = self
            .write(move |ctx| {
                let Some(mut state) = code_state(ctx.conn, &account_id, &serial)? else {
                    return Ok(CodeCheck::Invalid);
                };
                if state.user_id.is_none() {
                    return Ok(CodeCheck::Invalid);
                }
                let generator = store.seed_codes(&state)?;
                let check = state.clock.check_code(&generator, &code, now);
                if check != CodeCheck::Throttled {
                    save_clock(ctx.conn, &state.device_id, &state.clock)?;
                }
                Ok(check)
            })
            .await?;
        match check {
            CodeCheck::Accepted => Ok(true),
            CodeCheck::Invalid => Ok(false),
            CodeCheck::Throttled => Err(throttled()),
        }
    }
}

/// The answer while a device refuses codes after too many wrong ones.
fn throttled() -> StoreError {
    StoreError::limit_exceeded(
        "Too many invalid authentication codes for this MFA device; try again later.",
    )
}
