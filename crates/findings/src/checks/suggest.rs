//! "Did you mean ...?": the closest name by edit distance, ignoring case.

/// The candidate closest to `name`, when it is close enough to be a typo (at most
/// two edits, and fewer than a third of the name).
pub(super) fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).clamp(1, 2);
    let name: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let folded: Vec<char> = candidate.chars().map(|c| c.to_ascii_lowercase()).collect();
        if folded.len().abs_diff(name.len()) > limit {
            continue;
        }
        let d = distance(&name, &folded);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance, one row at a time.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let substitute = diagonal + usize::from(ca != cb);
            let value = substitute
                .min(above.saturating_add(1))
                .min(left.saturating_add(1));
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_only() {
        let names = ["GetObject", "PutObject", "ListBucket"];
        assert_eq!(
            closest("GetObjekt", names.iter().copied()),
            Some("GetObject")
        );
        assert_eq!(
            closest("getobjects", names.iter().copied()),
            Some("GetObject")
        );
        assert_eq!(closest("Frobnicate", names.iter().copied()), None);
    }
}
