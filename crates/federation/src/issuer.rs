//! iamd as an OpenID issuer (`GetWebIdentityToken`): signing keys, signed tokens, and
//! the public documents an external verifier fetches (the JWK set and the discovery
//! document).
//!
//! Keys are PKCS#8 documents; the caller keeps them (sealed) and hands them back with
//! [`SigningKey::from_pkcs8`]. A key's id is its RFC 7638 thumbprint, so it never
//! needs to be stored separately and two nodes holding one key agree on its `kid`.
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde_json::{json, Map, Value};

use crate::b64;

/// The algorithms `GetWebIdentityToken` signs with (`SigningAlgorithm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    Rs256,
    Es384,
}

impl SigningAlgorithm {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "RS256" => Some(SigningAlgorithm::Rs256),
            "ES384" => Some(SigningAlgorithm::Es384),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            SigningAlgorithm::Rs256 => "RS256",
            SigningAlgorithm::Es384 => "ES384",
        }
    }
}

/// RSA keys iamd generates are this large.
const RSA_BITS: usize = 2048;

enum Pair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

/// A private signing key and what is derived from it.
pub struct SigningKey {
    algorithm: SigningAlgorithm,
    pair: Pair,
    pkcs8: Vec<u8>,
    jwk: Map<String, Value>,
    kid: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        // The PKCS#8 copy is the secret we own; ring keeps its own key material.
        self.pkcs8.iter_mut().for_each(|b| *b = 0);
    }
}

impl SigningKey {
    /// A new random key. RSA generation takes a noticeable moment (big primes): call it
    /// off the async executor.
    pub fn generate(algorithm: SigningAlgorithm) -> Result<Self, String> {
        let pkcs8 = match algorithm {
            SigningAlgorithm::Es384 => EcdsaKeyPair::generate_pkcs8(
                &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                &SystemRandom::new(),
            )
            .map_err(|_| "cannot generate a P-384 key".to_owned())?
            .as_ref()
            .to_vec(),
            SigningAlgorithm::Rs256 => {
                use rsa::pkcs8::EncodePrivateKey;
                let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, RSA_BITS)
                    .map_err(|e| format!("cannot generate an RSA key: {e}"))?;
                key.to_pkcs8_der()
                    .map_err(|e| format!("cannot encode the RSA key: {e}"))?
                    .as_bytes()
                    .to_vec()
            }
        };
        Self::from_pkcs8(algorithm, &pkcs8)
    }

    /// A key from its PKCS#8 document.
    pub fn from_pkcs8(algorithm: SigningAlgorithm, pkcs8: &[u8]) -> Result<Self, String> {
        let (pair, jwk) = match algorithm {
            SigningAlgorithm::Rs256 => {
                let pair = RsaKeyPair::from_pkcs8(pkcs8)
                    .map_err(|e| format!("not an RSA PKCS#8 key: {e}"))?;
                let public = signature::RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
                let (n, e) = (public.n, public.e);
                let mut jwk = Map::new();
                jwk.insert("e".into(), b64::url_encode(&e).into());
                jwk.insert("kty".into(), "RSA".into());
                jwk.insert("n".into(), b64::url_encode(&n).into());
                (Pair::Rsa(pair), jwk)
            }
            SigningAlgorithm::Es384 => {
                let pair = EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                    pkcs8,
                    &SystemRandom::new(),
                )
                .map_err(|e| format!("not a P-384 PKCS#8 key: {e}"))?;
                // An uncompressed point: 0x04, then x and y of 48 bytes each.
                let point = pair.public_key().as_ref();
                let (x, y) = point
                    .get(1..)
                    .map(|xy| xy.split_at(xy.len() / 2))
                    .ok_or("empty public key")?;
                let mut jwk = Map::new();
                jwk.insert("crv".into(), "P-384".into());
                jwk.insert("kty".into(), "EC".into());
                jwk.insert("x".into(), b64::url_encode(x).into());
                jwk.insert("y".into(), b64::url_encode(y).into());
                (Pair::Ec(pair), jwk)
            }
        };
        let kid = thumbprint(&jwk);
        Ok(SigningKey {
            algorithm,
            pair,
            pkcs8: pkcs8.to_vec(),
            jwk,
            kid,
        })
    }

    pub fn algorithm(&self) -> SigningAlgorithm {
        self.algorithm
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The private key, for the caller to seal and keep.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public key as a JWK with `kid`, `alg` and `use`.
    pub fn public_jwk(&self) -> Value {
        let mut jwk = self.jwk.clone();
        jwk.insert("alg".into(), self.algorithm.name().into());
        jwk.insert("kid".into(), self.kid.clone().into());
        jwk.insert("use".into(), "sig".into());
        Value::Object(jwk)
    }

    /// A compact JWS of `claims`, with `typ: JWT` and this key's `kid`.
    pub fn sign(&self, claims: &Map<String, Value>) -> Result<String, String> {
        let header = json!({"alg": self.algorithm.name(), "kid": self.kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            b64::url_encode(header.to_string().as_bytes()),
            b64::url_encode(Value::Object(claims.clone()).to_string().as_bytes())
        );
        let rng = SystemRandom::new();
        let sig = match &self.pair {
            Pair::Rsa(pair) => {
                let mut sig = vec![0; pair.public().modulus_len()];
                pair.sign(
                    &signature::RSA_PKCS1_SHA256,
                    &rng,
                    input.as_bytes(),
                    &mut sig,
                )
                .map_err(|_| "RSA signing failed".to_owned())?;
                sig
            }
            Pair::Ec(pair) => pair
                .sign(&rng, input.as_bytes())
                .map_err(|_| "ECDSA signing failed".to_owned())?
                .as_ref()
                .to_vec(),
        };
        Ok(format!("{input}.{}", b64::url_encode(&sig)))
    }
}

/// RFC 7638: SHA-256 of the required members in lexical order, no whitespace.
fn thumbprint(required: &Map<String, Value>) -> String {
    // serde_json's Map keeps keys sorted (no `preserve_order`), which is the order the
    // RFC asks for.
    let canonical = Value::Object(required.clone()).to_string();
    b64::url_encode(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref())
}

/// The JWK set document of `keys`.
pub fn jwks_document<'a>(keys: impl IntoIterator<Item = &'a SigningKey>) -> String {
    let keys: Vec<Value> = keys.into_iter().map(SigningKey::public_jwk).collect();
    json!({ "keys": keys }).to_string()
}

/// The OpenID discovery document of an issuer whose JWK set is at
/// `ISSUER/.well-known/jwks.json`.
pub fn discovery_document(issuer: &str) -> String {
    let issuer = issuer.strip_suffix('/').unwrap_or(issuer);
    json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES384"],
        "claims_supported": ["aud", "exp", "iat", "iss", "jti", "sub"],
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::{JwkSet, JwtError, Token};

    fn claims() -> Map<String, Value> {
        let mut c = Map::new();
        c.insert("sub".into(), "arn:aws:iam::123456789012:user/alice".into());
        c.insert("aud".into(), "https://api.example.com".into());
        c
    }

    #[test]
    fn es384_tokens_verify_with_the_published_set_only() {
        let key = SigningKey::generate(SigningAlgorithm::Es384).unwrap();
        let token = key.sign(&claims()).unwrap();
        let set = JwkSet::from_json(jwks_document([&key]).as_bytes()).unwrap();
        let parsed = Token::parse(&token).unwrap();
        assert_eq!(parsed.kid.as_deref(), Some(key.kid()));
        parsed.verify(&set).unwrap();

        // The same key reloaded from PKCS#8 has the same id.
        let again = SigningKey::from_pkcs8(SigningAlgorithm::Es384, key.pkcs8()).unwrap();
        assert_eq!(again.kid(), key.kid());

        // Another key's set does not verify it.
        let other = SigningKey::generate(SigningAlgorithm::Es384).unwrap();
        let other_set = JwkSet::from_json(jwks_document([&other]).as_bytes()).unwrap();
        assert_eq!(parsed.verify(&other_set), Err(JwtError::NoMatchingKey));

        // A changed payload breaks the signature.
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = b64::url_encode(br#"{"sub":"root","aud":"https://api.example.com"}"#);
        parts[1] = &forged;
        let forged = Token::parse(&parts.join(".")).unwrap();
        assert_eq!(forged.verify(&set), Err(JwtError::BadSignature));
    }

    #[test]
    fn rs256_tokens_verify() {
        let key = SigningKey::generate(SigningAlgorithm::Rs256).unwrap();
        let token = key.sign(&claims()).unwrap();
        let set = JwkSet::from_json(jwks_document([&key]).as_bytes()).unwrap();
        Token::parse(&token).unwrap().verify(&set).unwrap();
    }

    #[test]
    fn unsigned_and_symmetric_tokens_are_refused() {
        let header = b64::url_encode(br#"{"alg":"none"}"#);
        let body = b64::url_encode(br#"{"sub":"x"}"#);
        assert!(matches!(
            Token::parse(&format!("{header}.{body}.")),
            Err(JwtError::UnsupportedAlgorithm(_))
        ));
        let header = b64::url_encode(br#"{"alg":"HS256"}"#);
        assert!(matches!(
            Token::parse(&format!("{header}.{body}.c2ln")),
            Err(JwtError::UnsupportedAlgorithm(_))
        ));
        assert!(matches!(Token::parse("abc"), Err(JwtError::Malformed(_))));
    }
}
