"""A small OpenID Connect issuer on loopback for the federation suites: it serves a
discovery document and a JWK set over HTTP and signs ID tokens (RS256 or ES256) with
keys it holds, built on `cryptography` (an implementation independent of iamd's)."""
import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_bytes(n: int, length: int = None) -> bytes:
    length = length or (n.bit_length() + 7) // 8
    return n.to_bytes(length, "big")


class SigningKey:
    def __init__(self, alg: str = "RS256", kid: str = None):
        self.alg = alg
        self.kid = kid or uuid.uuid4().hex[:12]
        if alg == "RS256":
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif alg == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
        else:
            raise ValueError(alg)

    def jwk(self) -> dict:
        numbers = self.private.public_key().public_numbers()
        if self.alg == "RS256":
            return {"kty": "RSA", "kid": self.kid, "alg": "RS256", "use": "sig",
                    "n": b64url(_int_bytes(numbers.n)), "e": b64url(_int_bytes(numbers.e))}
        return {"kty": "EC", "kid": self.kid, "alg": "ES256", "use": "sig", "crv": "P-256",
                "x": b64url(_int_bytes(numbers.x, 32)), "y": b64url(_int_bytes(numbers.y, 32))}

    def sign(self, message: bytes) -> bytes:
        if self.alg == "RS256":
            return self.private.sign(message, padding.PKCS1v15(), hashes.SHA256())
        r, s = decode_dss_signature(self.private.sign(message, ec.ECDSA(hashes.SHA256())))
        return _int_bytes(r, 32) + _int_bytes(s, 32)


class Issuer:
    """`with Issuer() as idp:` serves on 127.0.0.1 on a free port; `idp.url` is its
    issuer URL. `idp.keys` is the published set; `idp.token(...)` signs an ID token."""

    def __init__(self):
        self.keys = [SigningKey("RS256")]
        self.jwks_fetches = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": issuer.url + "/keys",
                            "id_token_signing_alg_values_supported": ["RS256", "ES256"]}
                elif self.path == "/keys":
                    issuer.jwks_fetches += 1
                    body = {"keys": [k.jwk() for k in issuer.keys]}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # The provider id IAM derives from the URL: the condition key prefix.
        self.provider = self.url.split("://", 1)[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def token(self, sub="alice", aud="app", key: SigningKey = None, lifetime=600, **claims) -> str:
        key = key or self.keys[0]
        now = int(time.time())
        payload = {"iss": self.url, "sub": sub, "aud": aud, "iat": now, "nbf": now - 5,
                   "exp": now + lifetime}
        payload.update(claims)
        header = {"alg": key.alg, "kid": key.kid, "typ": "JWT"}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
        return signing_input + "." + b64url(key.sign(signing_input.encode()))
