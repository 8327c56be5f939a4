//! The request as the verifier sees it, and what the server expects of it.

/// An HTTP request's parts that SigV4 signs, exactly as received.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The method, e.g. `POST`.
    pub method: &'a str,
    /// The path of the request target as received, still percent-encoded, without the
    /// query, e.g. `/`.
    pub path: &'a str,
    /// The raw query string without the leading `?` (empty when there is none).
    pub query: &'a str,
    /// Every header line as received (name, value). Repeated names are allowed.
    pub headers: &'a [(&'a str, &'a [u8])],
}

impl<'a> Request<'a> {
    /// The values of every header named `name` (ASCII case-insensitive), in order.
    pub fn header_values(&self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// The first value of header `name` as text, if it is valid UTF-8.
    pub fn header(&self, name: &'a str) -> Option<&'a str> {
        self.header_values(name)
            .next()
            .and_then(|v| std::str::from_utf8(v).ok())
    }
}

/// How the canonical URI is formed from the request path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathEncoding {
    /// Every service but S3: the path as sent is percent-encoded once more, so each
    /// segment ends up encoded twice.
    Double,
    /// S3: the path is decoded and encoded once.
    Single,
}

/// What the server accepts: the service the scope must name, and the rules for
/// canonicalization and time.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// The service the credential scope must name (`iam`, `sts`, ...).
    pub service: String,
    /// How far `X-Amz-Date` of a header-signed request may be from now, in seconds
    /// (AWS: 15 minutes).
    pub max_skew_secs: i64,
    /// How the path is encoded in the canonical request.
    pub path_encoding: PathEncoding,
    /// Whether `.`/`..`/empty path segments are removed first (all services but S3).
    pub normalize_path: bool,
    /// Whether a request may declare `x-amz-content-sha256: UNSIGNED-PAYLOAD`
    /// (S3 only; IAM and STS always sign the body).
    pub allow_unsigned_payload: bool,
    /// Whether a presigned request may carry `X-Amz-Security-Token` outside its
    /// signature (added after signing, as some clients of older services do). IAM and
    /// STS require the token to be signed.
    pub allow_unsigned_query_token: bool,
}

/// AWS's skew window for header-signed requests.
pub const DEFAULT_MAX_SKEW_SECS: i64 = 15 * 60;

/// The longest a presigned request may be valid: seven days.
pub const MAX_PRESIGNED_EXPIRES_SECS: i64 = 604_800;

impl Expectations {
    /// The rules of every service but S3 for `service`.
    pub fn for_service(service: &str) -> Self {
        Self {
            service: service.to_owned(),
            max_skew_secs: DEFAULT_MAX_SKEW_SECS,
            path_encoding: PathEncoding::Double,
            normalize_path: true,
            allow_unsigned_payload: false,
            allow_unsigned_query_token: false,
        }
    }
}
