//! Which IAM users and roles a role's trust policy names, by unique id.
//!
//! IAM binds a trust policy's principal ARN to the principal's unique id when the
//! policy is saved. Reading the policy back maps the id to the entity's current ARN;
//! once the entity is gone, the id itself is shown, and a new entity of the same name
//! is not trusted. This module records the binding at write time (in the write's
//! transaction) and applies it when a role is read.
use rusqlite::{params, Connection, OptionalExtension};

use super::rows::name_key;
use crate::error::StoreResult;
use crate::model::{iam_arn, PARTITION};

/// A JSON string literal of a document: its byte range (quotes included) and value.
struct Literal {
    start: usize,
    end: usize,
    value: String,
}

/// The string literals of `doc` in order. Stops quietly at malformed text: the API
/// layer has already validated the document, so this only has to be right for JSON.
fn string_literals(doc: &str) -> Vec<Literal> {
    let mut out = Vec::new();
    let mut chars = doc.char_indices();
    while let Some((start, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut value = String::new();
        let mut closed = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    closed = Some(i + 1);
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, 'r')) => value.push('\r'),
                    Some((_, 'b')) => value.push('\u{8}'),
                    Some((_, 'f')) => value.push('\u{c}'),
                    Some((_, 'u')) => {
                        let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                        let decoded = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        value.push(decoded.unwrap_or('\u{fffd}'));
                    }
                    Some((_, other)) => value.push(other),
                    None => break,
                },
                other => value.push(other),
            }
        }
        match closed {
            Some(end) => out.push(Literal { start, end, value }),
            None => break,
        }
    }
    out
}

/// The byte ranges of the values of `Principal` members: from the first character
/// after the colon to the end of the value (an object, an array or a string).
fn principal_ranges(doc: &str, literals: &[Literal]) -> Vec<(usize, usize)> {
    let bytes = doc.as_bytes();
    let mut ranges = Vec::new();
    for lit in literals.iter().filter(|l| l.value == "Principal") {
        let mut i = lit.end;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if bytes.get(i) != Some(&b':') {
            continue; // a value "Principal", not a member name
        }
        let start = i + 1;
        // The value ends where brackets balance again, skipping brackets in strings.
        let mut depth = 0i32;
        let mut end = start;
        let mut j = start;
        while let Some(&b) = bytes.get(j) {
            match b {
                b'"' => {
                    let Some(l) = literals.iter().find(|l| l.start == j) else {
                        break;
                    };
                    j = l.end;
                    end = j;
                    if depth == 0 {
                        break;
                    }
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth <= 0 {
                        end = j + 1;
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        ranges.push((start, end));
    }
    ranges
}

/// An IAM user or role ARN split into (account, kind, path, name).
fn parse_principal_arn(arn: &str) -> Option<(&str, &str, &str, &str)> {
    let rest = arn.strip_prefix("arn:")?.strip_prefix(PARTITION)?;
    let rest = rest.strip_prefix(":iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let (kind, path_and_name) = resource.split_once('/')?;
    if !matches!(kind, "user" | "role") || account.len() != 12 {
        return None;
    }
    let (path, name) = match path_and_name.rsplit_once('/') {
        Some((path, name)) => (&resource[kind.len()..kind.len() + path.len() + 2], name),
        None => ("/", path_and_name),
    };
    Some((account, kind, path, name))
}

/// The unique id of the user or role `arn` names, when it exists (path included).
fn resolve(conn: &Connection, arn: &str) -> StoreResult<Option<String>> {
    let Some((account, kind, path, name)) = parse_principal_arn(arn) else {
        return Ok(None);
    };
    let sql = match kind {
        "user" => "SELECT user_id FROM users WHERE account_id = ?1 AND name_key = ?2 AND path = ?3",
        _ => "SELECT role_id FROM roles WHERE account_id = ?1 AND name_key = ?2 AND path = ?3",
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params![account, name_key(name), path], |r| r.get(0))
        .optional()?)
}

/// Records which users and roles `document` (the role's new trust policy) names.
pub fn record(conn: &Connection, role_id: &str, document: &str) -> StoreResult<()> {
    forget(conn, role_id)?;
    let literals = string_literals(document);
    let ranges = principal_ranges(document, &literals);
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO trust_principals (role_id, arn, principal_id) VALUES (?1, ?2, ?3)",
    )?;
    for lit in &literals {
        let in_principal = ranges.iter().any(|&(s, e)| lit.start >= s && lit.end <= e);
        if !in_principal {
            continue;
        }
        if let Some(id) = resolve(conn, &lit.value)? {
            insert.execute(params![role_id, lit.value, id])?;
        }
    }
    Ok(())
}

/// Drops a role's bindings (its trust policy is replaced or the role deleted).
pub fn forget(conn: &Connection, role_id: &str) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM trust_principals WHERE role_id = ?1")?
        .execute([role_id])?;
    Ok(())
}

/// The current ARN of the user or role with `unique_id`, if it still exists.
fn current_arn(conn: &Connection, unique_id: &str) -> StoreResult<Option<String>> {
    let lookup = |sql: &str, kind: &str| -> StoreResult<Option<String>> {
        Ok(conn
            .prepare_cached(sql)?
            .query_row([unique_id], |r| {
                Ok(iam_arn(
                    &r.get::<_, String>(0)?,
                    kind,
                    &r.get::<_, String>(1)?,
                    &r.get::<_, String>(2)?,
                ))
            })
            .optional()?)
    };
    if let Some(arn) = lookup(
        "SELECT account_id, path, name FROM users WHERE user_id = ?1",
        "user",
    )? {
        return Ok(Some(arn));
    }
    lookup(
        "SELECT account_id, path, name FROM roles WHERE role_id = ?1",
        "role",
    )
}

/// The trust policy as IAM shows it: each bound principal by its current ARN, or by
/// its unique id once it no longer exists.
pub fn render(conn: &Connection, role_id: &str, document: &str) -> StoreResult<String> {
    let bindings = conn
        .prepare_cached("SELECT arn, principal_id FROM trust_principals WHERE role_id = ?1")?
        .query_map([role_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut replacements = Vec::new();
    for (arn, id) in bindings {
        let shown = current_arn(conn, &id)?.unwrap_or(id);
        if shown != arn {
            replacements.push((arn, shown));
        }
    }
    if replacements.is_empty() {
        return Ok(document.to_owned());
    }
    let literals = string_literals(document);
    let ranges = principal_ranges(document, &literals);
    let mut out = String::with_capacity(document.len());
    let mut copied = 0;
    for lit in &literals {
        let in_principal = ranges.iter().any(|&(s, e)| lit.start >= s && lit.end <= e);
        let replacement = replacements.iter().find(|(arn, _)| *arn == lit.value);
        if let (true, Some((_, shown))) = (in_principal, replacement) {
            out.push_str(document.get(copied..lit.start).unwrap_or_default());
            out.push('"');
            out.push_str(shown);
            out.push('"');
            copied = lit.end;
        }
    }
    out.push_str(document.get(copied..).unwrap_or_default());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_principal_ranges() {
        let doc = r#"{"Statement":[{"Principal":{"AWS":["a","b"]},"Condition":{"StringEquals":{"k":"a"}}}]}"#;
        let lits = string_literals(doc);
        let ranges = principal_ranges(doc, &lits);
        assert_eq!(ranges.len(), 1);
        let inside: Vec<_> = lits
            .iter()
            .filter(|l| ranges.iter().any(|&(s, e)| l.start >= s && l.end <= e))
            .map(|l| l.value.as_str())
            .collect();
        assert_eq!(inside, ["AWS", "a", "b"]);
        let doc = r#"{"Principal" : "*", "x": "y"}"#;
        let lits = string_literals(doc);
        let ranges = principal_ranges(doc, &lits);
        assert_eq!(doc.get(ranges[0].0..ranges[0].1), Some(r#" "*""#));
        assert_eq!(string_literals(r#""a\"b\u0041""#)[0].value, "a\"bA");
    }

    #[test]
    fn principal_arns_split_into_parts() {
        assert_eq!(
            parse_principal_arn("arn:aws:iam::123456789012:role/a/b/name"),
            Some(("123456789012", "role", "/a/b/", "name"))
        );
        assert_eq!(
            parse_principal_arn("arn:aws:iam::123456789012:user/jane"),
            Some(("123456789012", "user", "/", "jane"))
        );
        assert_eq!(parse_principal_arn("arn:aws:iam::123456789012:root"), None);
        assert_eq!(parse_principal_arn("123456789012"), None);
    }
}
