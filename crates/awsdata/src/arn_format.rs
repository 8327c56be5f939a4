//! Matching a concrete ARN against the ARN formats of the service reference, such as
//! `arn:${Partition}:iam::${Account}:user/${UserNameWithPath}`.
//!
//! A `${...}` placeholder stands for one or more characters. It never spans a `:`,
//! except when it ends the format, because resource names in the last part of an ARN
//! may contain colons (S3 object keys, for one). Formats can therefore overlap (a bucket
//! format also accepts `bucket/key`); callers get the most specific match first.

/// If `arn` fits `format`, how specific the match is: the number of literal characters
/// the format pinned down. `None` when it does not fit.
pub(crate) fn match_arn_format(format: &str, arn: &str) -> Option<usize> {
    let literal_len: usize = pieces(format)
        .map(|piece| match piece {
            Piece::Literal(text) => text.len(),
            Piece::Placeholder => 0,
        })
        .sum();
    matches_from(format, arn).then_some(literal_len)
}

enum Piece<'a> {
    Literal(&'a str),
    Placeholder,
}

fn pieces(format: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = format;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                rest = &rest[end + 1..];
                return Some(Piece::Placeholder);
            }
        }
        // A literal runs up to the next placeholder (or to the end).
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let cut = rest[first..].find("${").map_or(rest.len(), |i| i + first);
        let (literal, tail) = rest.split_at(cut);
        rest = tail;
        Some(Piece::Literal(literal))
    })
}

/// Backtracking match of the remaining `format` against the remaining `arn`.
/// Formats have a handful of placeholders, so the search stays tiny.
fn matches_from(format: &str, arn: &str) -> bool {
    let mut it = pieces(format);
    match it.next() {
        None => arn.is_empty(),
        Some(Piece::Literal(text)) => arn
            .strip_prefix(text)
            .is_some_and(|rest| matches_from(&format[text.len()..], rest)),
        Some(Piece::Placeholder) => {
            let after = format.find('}').map_or("", |end| &format[end + 1..]);
            if after.is_empty() {
                return !arn.is_empty();
            }
            // Try every non-empty stretch up to the next `:`.
            let limit = arn.find(':').unwrap_or(arn.len());
            arn.char_indices()
                .skip(1)
                .map(|(i, _)| i)
                .chain(std::iter::once(arn.len()))
                .take_while(|&i| i <= limit)
                .any(|i| matches_from(after, &arn[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const LOG_STREAM: &str =
        "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";

    #[test]
    fn matches_placeholders_within_their_arn_part() {
        assert!(match_arn_format(USER, "arn:aws:iam::123456789012:user/division/alice").is_some());
        assert!(match_arn_format(USER, "arn:aws:iam::123456789012:role/alice").is_none());
        assert!(match_arn_format(USER, "arn:aws:iam:us-east-1:123456789012:user/alice").is_none());
        assert!(match_arn_format(OBJECT, "arn:aws:s3:::bucket/a/b:c").is_some());
        assert!(match_arn_format(OBJECT, "arn:aws:s3:::bucket").is_none());
        assert!(match_arn_format(
            LOG_STREAM,
            "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s"
        )
        .is_some());
        assert!(match_arn_format(
            LOG_STREAM,
            "arn:aws:logs:us-east-1:123456789012:log-group:g"
        )
        .is_none());
    }

    #[test]
    fn the_more_literal_format_is_more_specific() {
        let arn = "arn:aws:s3:::bucket/key";
        let bucket = match_arn_format(BUCKET, arn);
        let object = match_arn_format(OBJECT, arn);
        assert!(bucket.is_some() && object.is_some());
        assert!(object > bucket);
    }

    #[test]
    fn placeholders_are_not_empty() {
        assert!(match_arn_format(BUCKET, "arn:aws:s3:::").is_none());
        assert!(match_arn_format(USER, "arn::iam::123456789012:user/a").is_none());
    }
}
