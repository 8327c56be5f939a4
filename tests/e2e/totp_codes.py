"""RFC 6238 one-time codes (HMAC-SHA1, 6 digits, 30-second steps), computed with the
standard library only, as an authenticator app computes them from a virtual MFA
device's Base32StringSeed."""
import base64
import hashlib
import hmac
import struct
import time

STEP = 30


def current_step() -> int:
    return int(time.time()) // STEP


def code(seed_base32, step: int) -> str:
    if isinstance(seed_base32, bytes):
        seed_base32 = seed_base32.decode("ascii")
    padded = seed_base32 + "=" * (-len(seed_base32) % 8)
    key = base64.b32decode(padded)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def wrong_code(seed_base32, step: int) -> str:
    """A code that is not the device's for any step near `step`."""
    near = {code(seed_base32, s) for s in range(step - 70, step + 71)}
    for n in range(1_000_000):
        candidate = f"{n:06d}"
        if candidate not in near:
            return candidate
    raise AssertionError("no wrong code found")

