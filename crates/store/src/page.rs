//! Pagination as IAM does it: `MaxItems` bounds a page, `Marker` resumes after it.
//!
//! A marker is the opaque encoding of the last sort key returned. The next page starts
//! strictly after that key, so pages stay consistent under concurrent writes: an item
//! inserted or deleted elsewhere never shifts the rest of the listing, unlike offsets.
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;

use crate::error::{StoreError, StoreResult};

/// IAM's default `MaxItems`.
pub const DEFAULT_MAX_ITEMS: usize = 100;
/// IAM's largest `MaxItems`.
pub const LIMIT_MAX_ITEMS: usize = 1000;

const MARKER_TAG: &str = "iamd1:";

/// Where a listing starts and how much it returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub marker: Option<String>,
    pub max_items: usize,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            marker: None,
            max_items: DEFAULT_MAX_ITEMS,
        }
    }
}

impl PageRequest {
    pub fn new(marker: Option<String>, max_items: Option<usize>) -> Self {
        PageRequest {
            marker,
            max_items: max_items
                .unwrap_or(DEFAULT_MAX_ITEMS)
                .clamp(1, LIMIT_MAX_ITEMS),
        }
    }

    /// Everything (for internal callers that need a whole listing).
    pub fn all() -> Self {
        PageRequest {
            marker: None,
            max_items: usize::MAX - 1,
        }
    }

    /// The sort key to resume after; empty when starting at the beginning.
    pub fn after_key(&self) -> StoreResult<String> {
        match &self.marker {
            None => Ok(String::new()),
            Some(m) => decode_marker(m),
        }
    }

    /// How many rows to fetch: one more than a page, to learn whether there is more.
    pub fn fetch_limit(&self) -> i64 {
        i64::try_from(self.max_items.saturating_add(1)).unwrap_or(i64::MAX)
    }
}

/// One page of a listing. `marker` is set when the listing is truncated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub marker: Option<String>,
}

impl<T> Page<T> {
    pub fn is_truncated(&self) -> bool {
        self.marker.is_some()
    }

    /// Cuts `rows` (fetched with [`PageRequest::fetch_limit`]) to a page and derives the
    /// marker from the last item's sort key.
    pub fn from_rows(
        mut rows: Vec<T>,
        request: &PageRequest,
        key_of: impl Fn(&T) -> String,
    ) -> Self {
        if rows.len() > request.max_items {
            rows.truncate(request.max_items);
            let marker = rows.last().map(|last| encode_marker(&key_of(last)));
            Page {
                items: rows,
                marker,
            }
        } else {
            Page {
                items: rows,
                marker: None,
            }
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            marker: self.marker,
        }
    }
}

pub fn encode_marker(key: &str) -> String {
    B64URL.encode(format!("{MARKER_TAG}{key}"))
}

pub fn decode_marker(marker: &str) -> StoreResult<String> {
    let invalid = || StoreError::invalid_input("Invalid Marker.");
    let bytes = B64URL.decode(marker.trim()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix(MARKER_TAG)
        .map(str::to_owned)
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip_and_reject_garbage() {
        let m = encode_marker("alice");
        assert_eq!(decode_marker(&m).unwrap(), "alice");
        assert!(decode_marker("not a marker").is_err());
        assert!(decode_marker(&B64URL.encode("other")).is_err());
    }

    #[test]
    fn pages_cut_and_mark() {
        let req = PageRequest::new(None, Some(2));
        let page = Page::from_rows(vec!["a", "b", "c"], &req, |s| s.to_string());
        assert_eq!(page.items, vec!["a", "b"]);
        assert_eq!(decode_marker(page.marker.as_deref().unwrap()).unwrap(), "b");
        let last = Page::from_rows(vec!["a", "b"], &req, |s| s.to_string());
        assert!(!last.is_truncated());
    }
}
