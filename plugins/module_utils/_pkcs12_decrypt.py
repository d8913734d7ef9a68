# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decrypting the encrypted parts and keys of a PKCS#12, and the ways that fails.

Private to the collection: no stability promise outside esus.pec. PBES2 parts and keys are decrypted by
``cryptography``'s primitives (so a failure is a padding or a structure, not a guess); PKCS#12-PBE parts
by its own PKCS#12 loader, on a copy of the file that holds only those parts.
"""

from __future__ import annotations

import functools
import hashlib
import warnings

try:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
    from cryptography.hazmat.primitives.serialization import pkcs12
except ImportError:  # pragma: no cover - reported by the callers through missing_required_lib
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils import _asn1, _pkcs12_mac
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_protection as protections
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    import _asn1
    import _pkcs12_mac
    import _pkcs12_protection as protections

PFX_VERSION = b"\x02\x01\x03"  # INTEGER 3, the first element of every PFX


# The three failures keep the names (and the _) they had in pkcs12.py: an exception that escapes validate()
# is named in its message (_verdicts_corrupt.unreadable), and _NotStrict can (what_the_password_opens)
class _Undecryptable(Exception):
    """The password does not decrypt a key or a part (or this OpenSSL cannot run its cipher).

    ``evidence`` says why the password is right all the same, when something shows it: another part it
    decrypted, or this item's own first blocks, which decrypted to the start of what PKCS#12 puts there.
    """

    def __init__(self, message: str, where: str = "", evidence: str = "") -> None:
        super().__init__(message)
        self.where = where
        self.evidence = evidence


class _Unreadable(Exception):
    """Decrypted, but what came out is not what PKCS#12 says it is."""


class _NotStrict(Exception):
    """Decrypted and readable by OpenSSL, but not strict DER, which Java's getKey refuses."""


def pbes2_decrypt(params: protections.PBES2, ciphertext: bytes, password: str) -> bytes:
    """PBKDF2 + AES/3DES-CBC + padding, by cryptography's primitives. Raises _Undecryptable."""
    algorithm = {"SHA1": hashes.SHA1, "SHA224": hashes.SHA224, "SHA256": hashes.SHA256}.get(params.prf)
    algorithm = algorithm or {"SHA384": hashes.SHA384, "SHA512": hashes.SHA512}[params.prf]
    cipher_name = protections.PBES2_CIPHERS[params.cipher_oid][0]
    block = 16 if cipher_name.startswith("AES") else 8
    if not ciphertext or len(ciphertext) % block:
        raise _Undecryptable("encrypted data of %d bytes" % len(ciphertext))
    key = PBKDF2HMAC(algorithm(), params.key_length, params.salt, params.iterations).derive(password.encode("utf-8"))
    cipher = algorithms.AES(key) if block == 16 else _triple_des(key)
    decryptor = Cipher(cipher, modes.CBC(params.iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    try:
        unpadder = padding.PKCS7(block * 8).unpadder()
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:  # bad padding: not this password, or damaged bytes (the first blocks tell)
        evidence = "its first bytes decrypt to what PKCS#12 puts there" if _starts_like_der(padded, block) else ""
        raise _Undecryptable(str(exc), evidence=evidence) from None


def _starts_like_der(plain: bytes, block: int) -> bool:
    """Whether decrypted bytes begin as a PrivateKeyInfo or SafeContents of about their own size does.

    A wrong key gives random bytes: a SEQUENCE tag, a long-form length that ends within two blocks of the
    data's end and the first inner tag (INTEGER version, or a SafeBag SEQUENCE) match by chance about once
    in 2^30. A damaged or cut last block leaves all of that in place (CBC garbles only the blocks it hits).
    """
    if len(plain) < 8 or plain[0] != _asn1.Tag.SEQUENCE or plain[1] not in (0x81, 0x82, 0x83):
        return False
    size = plain[1] & 0x7F
    total = 2 + size + int.from_bytes(plain[2 : 2 + size], "big")
    return abs(total - len(plain)) <= 2 * block and plain[2 + size] in (_asn1.Tag.INTEGER, _asn1.Tag.SEQUENCE)


def _triple_des(key: bytes):
    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    except ImportError:  # cryptography < 43 (Debian 12 hosts)
        TripleDES = algorithms.TripleDES
    return TripleDES(key)


def content_info(safe_contents: bytes) -> bytes:
    """A PKCS#7 data ContentInfo around DER bytes."""
    return _asn1.encode_tlv(
        _asn1.Tag.SEQUENCE,
        _asn1.encode_tlv(_asn1.Tag.OID, bytes.fromhex("2a864886f70d010701"))
        + _asn1.encode_tlv(_asn1.Tag.CONTEXT_0, _asn1.encode_tlv(_asn1.Tag.OCTET_STRING, safe_contents)),
    )


def load_with_openssl(parts: list[bytes], password: str, encodings: list[bytes]) -> tuple[list, list]:
    """Let cryptography (OpenSSL) decrypt some parts: a PFX of just those, with a fresh MAC, is loaded.

    OpenSSL runs every cipher (RC2 through its legacy provider) and skips its slow RSA re-check when no
    key is in the parts. The MAC is keyed with the password encoding the file's own MAC used, so an empty
    password is decrypted the same way (OpenSSL picks NULL or "" from the MAC).
    """
    auth_safe = _asn1.encode_tlv(_asn1.Tag.SEQUENCE, b"".join(parts))
    salt = hashlib.sha256(auth_safe).digest()[:8]
    sha256 = _asn1.encode_tlv(
        _asn1.Tag.SEQUENCE, _asn1.encode_tlv(_asn1.Tag.OID, bytes.fromhex("608648016503040201")) + b"\x05\x00"
    )
    last = None
    for encoding in encodings:
        mac = _pkcs12_mac.mac(auth_safe, encoding, salt, 1, "sha256")
        digest_info = _asn1.encode_tlv(_asn1.Tag.SEQUENCE, sha256 + _asn1.encode_tlv(_asn1.Tag.OCTET_STRING, mac))
        mac_data = _asn1.encode_tlv(_asn1.Tag.SEQUENCE, digest_info + _asn1.encode_tlv(_asn1.Tag.OCTET_STRING, salt))
        pfx = _asn1.encode_tlv(_asn1.Tag.SEQUENCE, PFX_VERSION + content_info(auth_safe) + mac_data)
        try:
            return whole_file_load(pfx, password)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            last = exc
    raise _Undecryptable(str(last))


def whole_file_load(pfx: bytes, password: str) -> tuple[list, list]:
    """cryptography's own PKCS#12 loader: (keys, certificates)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key, certificate, others = pkcs12.load_key_and_certificates(pfx, password.encode("utf-8") or None)
    return ([key] if key is not None else []), ([certificate] if certificate is not None else []) + list(others)


@functools.lru_cache(maxsize=1)
def legacy_provider_available() -> bool:
    """Whether this cryptography/OpenSSL runs the legacy ciphers (RC2, RC4) old .pfx files use."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from cryptography.hazmat.decrepit.ciphers.algorithms import RC2

            Cipher(RC2(b"\x00" * 16), modes.CBC(b"\x00" * 8)).decryptor()
        except ImportError:  # cryptography < 43: RC4 comes from the same provider
            try:
                Cipher(algorithms.ARC4(b"\x00" * 16), None).decryptor()
            except (AttributeError, UnsupportedAlgorithm, ValueError):
                return False
        except (UnsupportedAlgorithm, ValueError):
            return False
    return True
