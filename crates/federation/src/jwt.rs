//! JSON Web Tokens in compact JWS form: parsing, and signature verification against a
//! JSON Web Key set (RFC 7515, 7517, 7518).
//!
//! Only asymmetric algorithms are accepted: an identity provider publishes public keys,
//! so `none` and the HMAC family can never verify here (that closes the classic
//! algorithm-confusion holes by construction).
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey, VerificationAlgorithm};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::b64;

/// The signature algorithms a token may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Rs256,
    Rs384,
    Rs512,
    Ps256,
    Ps384,
    Ps512,
    Es256,
    Es384,
}

impl Algorithm {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "RS256" => Algorithm::Rs256,
            "RS384" => Algorithm::Rs384,
            "RS512" => Algorithm::Rs512,
            "PS256" => Algorithm::Ps256,
            "PS384" => Algorithm::Ps384,
            "PS512" => Algorithm::Ps512,
            "ES256" => Algorithm::Es256,
            "ES384" => Algorithm::Es384,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RS256",
            Algorithm::Rs384 => "RS384",
            Algorithm::Rs512 => "RS512",
            Algorithm::Ps256 => "PS256",
            Algorithm::Ps384 => "PS384",
            Algorithm::Ps512 => "PS512",
            Algorithm::Es256 => "ES256",
            Algorithm::Es384 => "ES384",
        }
    }

    fn is_rsa(self) -> bool {
        !matches!(self, Algorithm::Es256 | Algorithm::Es384)
    }

    /// The curve an EC key must be on for this algorithm.
    fn curve(self) -> Option<&'static str> {
        match self {
            Algorithm::Es256 => Some("P-256"),
            Algorithm::Es384 => Some("P-384"),
            _ => None,
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// Not three base64url parts of a JSON header, a JSON object and a signature.
    Malformed(&'static str),
    /// `alg` is missing, `none`, symmetric or unknown.
    UnsupportedAlgorithm(String),
    /// No key of the set fits the header (`kid` unknown, or no key of the algorithm's
    /// type): the caller may refresh the key set once and try again.
    NoMatchingKey,
    /// A key fits but the signature does not verify under it.
    BadSignature,
}

impl std::fmt::Display for JwtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwtError::Malformed(why) => write!(f, "malformed token: {why}"),
            JwtError::UnsupportedAlgorithm(alg) => write!(f, "unsupported algorithm {alg:?}"),
            JwtError::NoMatchingKey => f.write_str("no key of the issuer matches the token"),
            JwtError::BadSignature => f.write_str("the signature does not verify"),
        }
    }
}

impl std::error::Error for JwtError {}

/// One JSON Web Key, public members only.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default, rename = "use")]
    pub key_use: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
}

impl Jwk {
    /// Whether the key may verify a signature of `alg` (type, curve, declared `alg` and
    /// `use` all agree).
    fn fits(&self, alg: Algorithm) -> bool {
        if self.key_use.as_deref().is_some_and(|u| u != "sig") {
            return false;
        }
        if self.alg.as_deref().is_some_and(|a| a != alg.name()) {
            return false;
        }
        if alg.is_rsa() {
            self.kty == "RSA"
        } else {
            self.kty == "EC" && self.crv.as_deref() == alg.curve()
        }
    }

    fn verify(&self, alg: Algorithm, message: &[u8], sig: &[u8]) -> Result<(), JwtError> {
        if alg.is_rsa() {
            let n = self.n.as_deref().and_then(b64::url_decode);
            let e = self.e.as_deref().and_then(b64::url_decode);
            let (Some(n), Some(e)) = (n, e) else {
                return Err(JwtError::BadSignature);
            };
            let params: &signature::RsaParameters = match alg {
                Algorithm::Rs256 => &signature::RSA_PKCS1_2048_8192_SHA256,
                Algorithm::Rs384 => &signature::RSA_PKCS1_2048_8192_SHA384,
                Algorithm::Rs512 => &signature::RSA_PKCS1_2048_8192_SHA512,
                Algorithm::Ps256 => &signature::RSA_PSS_2048_8192_SHA256,
                Algorithm::Ps384 => &signature::RSA_PSS_2048_8192_SHA384,
                _ => &signature::RSA_PSS_2048_8192_SHA512,
            };
            RsaPublicKeyComponents { n: &n, e: &e }
                .verify(params, message, sig)
                .map_err(|_| JwtError::BadSignature)
        } else {
            let x = self.x.as_deref().and_then(b64::url_decode);
            let y = self.y.as_deref().and_then(b64::url_decode);
            let (Some(x), Some(y)) = (x, y) else {
                return Err(JwtError::BadSignature);
            };
            let (verifier, width): (&dyn VerificationAlgorithm, usize) = match alg {
                Algorithm::Es256 => (&signature::ECDSA_P256_SHA256_FIXED, 32),
                _ => (&signature::ECDSA_P384_SHA384_FIXED, 48),
            };
            if x.len() != width || y.len() != width {
                return Err(JwtError::BadSignature);
            }
            let mut point = Vec::with_capacity(1 + 2 * width);
            point.push(0x04);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            UnparsedPublicKey::new(verifier, point)
                .verify(message, sig)
                .map_err(|_| JwtError::BadSignature)
        }
    }
}

/// A JWK set (`{"keys": [...]}`). Keys this module cannot use are kept but never fit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

impl JwkSet {
    pub fn from_json(text: &[u8]) -> Result<Self, String> {
        // Parse key by key so that one odd key (another type, extra members) does not
        // make the whole set unusable.
        let raw: Value = serde_json::from_slice(text).map_err(|e| e.to_string())?;
        let keys = raw
            .get("keys")
            .and_then(Value::as_array)
            .ok_or("no \"keys\" array")?;
        Ok(JwkSet {
            keys: keys
                .iter()
                .filter_map(|k| serde_json::from_value(k.clone()).ok())
                .collect(),
        })
    }

    pub fn has_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }
}

/// A parsed, not yet verified token.
#[derive(Debug, Clone)]
pub struct Token {
    pub algorithm: Algorithm,
    pub kid: Option<String>,
    pub claims: Map<String, Value>,
    signing_input: String,
    signature: Vec<u8>,
}

impl Token {
    /// Splits and decodes a compact JWS whose payload is a JSON object.
    pub fn parse(token: &str) -> Result<Token, JwtError> {
        let token = token.trim();
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed("not three dot-separated parts"));
        };
        let header: Map<String, Value> = b64::url_decode(header)
            .and_then(|h| serde_json::from_slice(&h).ok())
            .ok_or(JwtError::Malformed("header is not base64url JSON"))?;
        let claims: Map<String, Value> = b64::url_decode(payload)
            .and_then(|p| serde_json::from_slice(&p).ok())
            .ok_or(JwtError::Malformed(
                "payload is not a base64url JSON object",
            ))?;
        let signature = b64::url_decode(sig).ok_or(JwtError::Malformed("signature"))?;
        // A critical extension this verifier does not know must make the token fail
        // (RFC 7515 §4.1.11).
        if header.contains_key("crit") {
            return Err(JwtError::Malformed("unsupported critical header"));
        }
        let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
        let algorithm =
            Algorithm::from_name(alg).ok_or_else(|| JwtError::UnsupportedAlgorithm(alg.into()))?;
        let kid = header.get("kid").and_then(Value::as_str).map(str::to_owned);
        let signing_input = token
            .rsplit_once('.')
            .map(|(input, _)| input.to_owned())
            .unwrap_or_default();
        Ok(Token {
            algorithm,
            kid,
            claims,
            signing_input,
            signature,
        })
    }

    /// Verifies the signature with the key the header names (by `kid`), or, without a
    /// `kid`, with any key of the set that fits the algorithm.
    pub fn verify(&self, keys: &JwkSet) -> Result<(), JwtError> {
        let candidates: Vec<&Jwk> = keys
            .keys
            .iter()
            .filter(|k| match &self.kid {
                Some(kid) => k.kid.as_deref() == Some(kid.as_str()),
                None => true,
            })
            .filter(|k| k.fits(self.algorithm))
            .collect();
        if candidates.is_empty() {
            return Err(JwtError::NoMatchingKey);
        }
        let message = self.signing_input.as_bytes();
        if candidates
            .iter()
            .any(|k| k.verify(self.algorithm, message, &self.signature).is_ok())
        {
            Ok(())
        } else {
            Err(JwtError::BadSignature)
        }
    }

    /// A string claim.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A claim that may be a string or an array of strings (`aud`, `amr`).
    pub fn strings(&self, name: &str) -> Vec<String> {
        match self.claims.get(name) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A NumericDate claim (`exp`, `nbf`, `iat`) in whole seconds since the epoch.
    pub fn seconds(&self, name: &str) -> Option<i64> {
        let value = self.claims.get(name)?;
        value
            .as_i64()
            .or_else(|| value.as_f64().map(|f| f.floor() as i64))
    }
}
