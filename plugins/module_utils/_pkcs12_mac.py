# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PKCS#12 password MAC (RFC 7292, appendix B), checked on its own.

Private to the collection: no stability promise outside esus.pec.

Why our own: ``cryptography`` checks the MAC only inside its one-call loader, which raises the same
error for a wrong password, a damaged file and a cipher OpenSSL cannot run. The MAC is keyed by the
password alone, so checking it first tells a wrong password apart from everything else. Standard
library only; callers bound ``iterations`` before calling (see ``_pkcs12_envelope.Budget``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac

MAC_KEY = 3  # RFC 7292 B.3: the diversifier ID for MAC keys
OK = "ok"
MISMATCH = "mismatch"
ABSENT = "absent"


def pkcs12_kdf(hash_name: str, password: bytes, salt: bytes, purpose: int, iterations: int, size: int) -> bytes:
    """RFC 7292 B.2 key derivation. ``password`` is already BMPString-encoded (or empty)."""
    digest_size = hashlib.new(hash_name).digest_size
    block = hashlib.new(hash_name).block_size
    # hashlib.sha256 and the like are faster than hashlib.new; SHA-512/224 and /256 have no such constructor,
    # and copying a fresh object costs what hashlib.sha512 does (hashlib.new: 1.5 times that)
    new = getattr(hashlib, hash_name, None) or functools.partial(_copy_update, hashlib.new(hash_name))

    def stretch(value: bytes) -> bytes:
        if not value:
            return b""
        count = -(-len(value) // block) * block
        return (value * (count // len(value) + 1))[:count]

    text = stretch(salt) + stretch(password)
    diversifier = bytes([purpose]) * block
    out = b""
    while True:
        state = new(diversifier + text).digest()
        for _round in range(iterations - 1):
            state = new(state).digest()
        out += state
        if len(out) >= size:
            return out[:size]
        filler = int.from_bytes((state * (block // digest_size + 1))[:block], "big") + 1
        modulus = 1 << (8 * block)
        text = b"".join(
            ((int.from_bytes(text[i : i + block], "big") + filler) % modulus).to_bytes(block, "big")
            for i in range(0, len(text), block)
        )


def _copy_update(empty, data: bytes):
    copied = empty.copy()
    copied.update(data)
    return copied


def bmp_passwords(password: str) -> list[bytes]:
    """Encodings under which the MAC may have been keyed (OpenSSL tries both for an empty password)."""
    if password:
        return [password.encode("utf-16-be") + b"\x00\x00"]
    return [b"\x00\x00", b""]


def mac(content: bytes, bmp_password: bytes, salt: bytes, iterations: int, hash_name: str) -> bytes:
    key = pkcs12_kdf(hash_name, bmp_password, salt, MAC_KEY, iterations, hashlib.new(hash_name).digest_size)
    return hmac.new(key, content, hash_name).digest()


def check(content: bytes, digest: bytes, salt: bytes, iterations: int, hash_name: str, password: str):
    """(OK, the password encoding that keyed it) or (MISMATCH, None)."""
    for candidate in bmp_passwords(password):
        if hmac.compare_digest(mac(content, candidate, salt, iterations, hash_name), digest):
            return OK, candidate
    return MISMATCH, None
