//! Inflating the embedded zlib blobs.

use miniz_oxide::inflate::decompress_to_vec_zlib;

/// Inflates one zlib stream (checked with its Adler-32) into UTF-8 text.
pub(crate) fn inflate_text(what: &str, blob: &[u8]) -> Result<String, String> {
    let mut bytes =
        decompress_to_vec_zlib(blob).map_err(|e| format!("{what}: cannot inflate: {e:?}"))?;
    // The inflater grows its buffer by doubling; the text is kept for the life of the
    // process, so give the slack back.
    bytes.shrink_to_fit();
    String::from_utf8(bytes).map_err(|e| format!("{what}: not UTF-8: {e}"))
}

/// For the loaders: the embedded data is fixed at build time and fully read by the
/// crate's tests, so failing to decode it is a broken build, not a runtime condition.
pub(crate) fn embedded<T>(result: Result<T, String>) -> T {
    match result {
        Ok(value) => value,
        Err(message) => panic!(
            "embedded AWS data is corrupt ({message}); regenerate it with scripts/refresh-*.sh"
        ),
    }
}
