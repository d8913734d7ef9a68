# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check an RNDS certificate (PKCS#12 .pfx/.p12) and say precisely what is wrong with it.

Plain functions and data, no Ansible objects: ``validate(data, password)`` returns a report dict
that the module (file on the host) and the action (vaulted file on the controller) both return.

Why this file reads a little ASN.1 itself: ``cryptography`` loads a PKCS#12 in one opaque call
that (a) raises the same error for a wrong password, a damaged file and a cipher OpenSSL cannot
run (RC2 without the legacy provider), (b) hides the algorithms the file uses and (c) spends most
of its time re-validating an RSA key with primality tests.  The PKCS#12 MAC is keyed by the
password alone (RFC 7292, appendix B), so checking it first tells a wrong password apart from
everything else.  Then the private key is decrypted by ``cryptography`` with the RSA re-check
skipped, and proven to match the certificate by a real signature instead (which also catches
a damaged key).  All decryption is done by ``cryptography``; this file only walks the outer DER.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
    from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
except ImportError:  # pragma: no cover - reported by the callers through missing_required_lib
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

MAX_SIZE = 1024 * 1024
"""Largest input accepted: a real PKCS#12 with a chain is a few KiB."""

OK = "ok"
EXPIRING = "expiring"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
WRONG_PASSWORD = "wrong_password"
UNSUPPORTED_ENCRYPTION = "unsupported_encryption"
CERTIFICATE_ONLY = "certificate_only"
NO_PRIVATE_KEY = "no_private_key"
KEY_MISMATCH = "key_mismatch"
IDENTITY_MISMATCH = "identity_mismatch"
NOT_PKCS12 = "not_pkcs12"
CORRUPT = "corrupt"
MISSING = "missing"

VERDICTS = (
    OK,
    EXPIRING,
    EXPIRED,
    NOT_YET_VALID,
    WRONG_PASSWORD,
    UNSUPPORTED_ENCRYPTION,
    CERTIFICATE_ONLY,
    NO_PRIVATE_KEY,
    KEY_MISMATCH,
    IDENTITY_MISMATCH,
    NOT_PKCS12,
    CORRUPT,
    MISSING,
)
USABLE_VERDICTS = (OK, EXPIRING)

# What PEC's RNDS tab ("Gestão Municipal > Certificados") would most likely show for each verdict.
PEC_STATUS = {
    OK: "Conexão bem-sucedida",
    EXPIRING: "Conexão bem-sucedida",
    EXPIRED: "Certificado expirado",
}
PEC_STATUS_DEFAULT = "Falha no certificado"

OID_ICP_RESPONSIBLE_NAME = "2.16.76.1.3.2"
OID_ICP_CNPJ = "2.16.76.1.3.3"
OID_ICP_RESPONSIBLE_DATA = "2.16.76.1.3.4"

_OID_DATA = "1.2.840.113549.1.7.1"
_OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
_OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
_OID_KEY_BAG = "1.2.840.113549.1.12.10.1.1"
_OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
_OID_CERT_BAG = "1.2.840.113549.1.12.10.1.3"
_OID_X509_CERT = "1.2.840.113549.1.9.22.1"
_OID_PBES2 = "1.2.840.113549.1.5.13"
_OID_PBKDF2 = "1.2.840.113549.1.5.12"
_OID_PBMAC1 = "1.2.840.113549.1.5.14"

_DIGESTS = {
    "1.2.840.113549.2.5": "md5",
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
_HMAC_PRFS = {
    "1.2.840.113549.2.7": "SHA1",
    "1.2.840.113549.2.8": "SHA224",
    "1.2.840.113549.2.9": "SHA256",
    "1.2.840.113549.2.10": "SHA384",
    "1.2.840.113549.2.11": "SHA512",
}
# name, and whether OpenSSL 3 needs its legacy provider for it
_CIPHERS = {
    "1.2.840.113549.1.12.1.1": ("pbeWithSHA1And128BitRC4", True),
    "1.2.840.113549.1.12.1.2": ("pbeWithSHA1And40BitRC4", True),
    "1.2.840.113549.1.12.1.3": ("pbeWithSHA1And3-KeyTripleDES-CBC", False),
    "1.2.840.113549.1.12.1.4": ("pbeWithSHA1And2-KeyTripleDES-CBC", False),
    "1.2.840.113549.1.12.1.5": ("pbeWithSHA1And128BitRC2-CBC", True),
    "1.2.840.113549.1.12.1.6": ("pbeWithSHA1And40BitRC2-CBC", True),
    "1.2.840.113549.1.5.3": ("pbeWithMD5AndDES-CBC", True),
    "1.2.840.113549.1.5.10": ("pbeWithSHA1AndDES-CBC", True),
    "2.16.840.1.101.3.4.1.2": ("AES-128-CBC", False),
    "2.16.840.1.101.3.4.1.22": ("AES-192-CBC", False),
    "2.16.840.1.101.3.4.1.42": ("AES-256-CBC", False),
    "1.2.840.113549.3.7": ("DES-EDE3-CBC", False),
    "1.3.14.3.2.7": ("DES-CBC", True),
    "1.2.840.113549.3.2": ("RC2-CBC", True),
}

_MAX_MAC_ITERATIONS = 1_000_000  # real files use 1 to 10,000; beyond this the pure-Python KDF is too slow

_CNPJ_RE = re.compile(r"^[0-9A-Z]{12}[0-9]{2}$")
_CN_CNPJ_RE = re.compile(r":([0-9A-Z]{12}[0-9]{2})$")


class DerError(ValueError):
    """The bytes are not the DER structure that was expected."""


class NotDer(DerError):
    """The bytes use an encoding this reader does not walk (BER indefinite length)."""


# --- a minimal DER walker: just enough to see the PKCS#12 envelope -------------------------------


def _tlv(data: bytes, pos: int, end: int | None = None) -> tuple[int, int, int]:
    """Return (tag, start of value, end of value) of the element at ``pos``."""
    end = len(data) if end is None else end
    if pos + 2 > end:
        raise DerError("truncated element header")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tags are not used by PKCS#12")
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise NotDer("indefinite length (BER)")
    else:
        count = first & 0x7F
        if count > 4 or pos + count > end:
            raise DerError("bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        if length < 0x80 or data[pos] == 0:
            raise NotDer("length not in its shortest form (BER)")
        pos += count
    if pos + length > end:
        raise DerError("truncated: an element claims %d bytes, %d remain" % (length, end - pos))
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    pos = start
    while pos < end:
        tag, vstart, vend = _tlv(data, pos, end)
        out.append((tag, vstart, vend))
        pos = vend
    return out


def _expect(element: tuple[int, int, int], tag: int, what: str) -> tuple[int, int, int]:
    if element[0] != tag:
        raise DerError("%s: expected tag 0x%02x, found 0x%02x" % (what, tag, element[0]))
    return element


def _oid(data: bytes, element: tuple[int, int, int]) -> str:
    _tag, start, end = _expect(element, 0x06, "object identifier")
    raw = data[start:end]
    if not raw:
        raise DerError("empty object identifier")
    arcs = []
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])


def _int(data: bytes, element: tuple[int, int, int]) -> int:
    _tag, start, end = _expect(element, 0x02, "integer")
    return int.from_bytes(data[start:end], "big", signed=True)


def _encode(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        header = bytes([tag, length])
    else:
        raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
        header = bytes([tag, 0x80 | len(raw)]) + raw
    return header + content


def decode_der_string(value: bytes) -> str:
    """Text of a DER string (OCTET, UTF8, Printable, IA5, BMP), unwrapping an explicit [0]."""
    tag, start, end = _tlv(value, 0)
    if tag == 0xA0:
        return decode_der_string(value[start:end])
    raw = value[start:end]
    if tag == 0x1E:
        return raw.decode("utf-16-be", errors="replace")
    if tag in (0x04, 0x0C, 0x13, 0x16, 0x14, 0x1A):
        return raw.decode("utf-8", errors="replace")
    raise DerError("not a string (tag 0x%02x)" % tag)


# --- the PKCS#12 envelope ------------------------------------------------------------------------


def _algorithm(data: bytes, element: tuple[int, int, int]) -> tuple[str, tuple[int, int, int] | None]:
    parts = _children(data, element[1], element[2])
    return _oid(data, parts[0]), (parts[1] if len(parts) > 1 else None)


def _describe_encryption(data: bytes, element: tuple[int, int, int]) -> tuple[str, bool]:
    """Human name of a PBE AlgorithmIdentifier and whether OpenSSL 3 needs its legacy provider."""
    oid, params = _algorithm(data, element)
    if oid != _OID_PBES2:
        return _CIPHERS.get(oid, ("unknown (%s)" % oid, False))
    if params is None:
        raise DerError("PBES2 without parameters")
    kdf, scheme = _children(data, params[1], params[2])[:2]
    kdf_oid, kdf_params = _algorithm(data, kdf)
    cipher_oid = _algorithm(data, scheme)[0]
    cipher, legacy = _CIPHERS.get(cipher_oid, ("unknown (%s)" % cipher_oid, False))
    if kdf_oid != _OID_PBKDF2 or kdf_params is None:
        return "PBES2 (%s, %s)" % (kdf_oid, cipher), legacy
    prf = "SHA1"
    iterations = None
    for item in _children(data, kdf_params[1], kdf_params[2]):
        if item[0] == 0x30:
            prf = _HMAC_PRFS.get(_algorithm(data, item)[0], "unknown")
        elif item[0] == 0x02 and iterations is None:
            iterations = _int(data, item)
    return "PBES2 (PBKDF2-HMAC-%s, %s iterations, %s)" % (prf, iterations, cipher), legacy


class _Envelope:
    """The parts of a PFX that can be read without the password."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.auth_safe = b""  # DER content the MAC covers
        self.mac_digest_oid: str | None = None
        self.mac_digest = b""
        self.mac_salt = b""
        self.mac_iterations = 1
        self.key_bags: list[tuple[str, bytes]] = []  # (bag oid, DER of the bag value)
        self.plain_certificates: list[bytes] = []
        self.encrypted_infos: list[bytes] = []  # whole ContentInfo DER of encryptedData parts
        self.key_encryption: list[tuple[str, bool]] = []
        self.certificate_encryption: list[tuple[str, bool]] = []
        self.opaque = False  # a part this reader does not open (envelopedData, signedData, ...)
        self._parse()

    def _parse(self) -> None:
        data = self.data
        outer = _expect(_tlv(data, 0), 0x30, "PFX")
        if outer[2] != len(data):
            raise DerError("%d unexpected bytes after the PKCS#12 structure" % (len(data) - outer[2]))
        parts = _children(data, outer[1], outer[2])
        if len(parts) < 2 or _int(data, parts[0]) != 3:
            raise DerError("not a version 3 PFX")
        info = _children(data, *_expect(parts[1], 0x30, "authSafe ContentInfo")[1:])
        content_type = _oid(data, info[0])
        if content_type != _OID_DATA:
            self.opaque = True  # public-key integrity mode (signedData): leave it to cryptography
            return
        wrapper = _expect(info[1], 0xA0, "authSafe content")
        octets = _expect(_tlv(data, wrapper[1], wrapper[2]), 0x04, "authSafe octets")
        self.auth_safe = data[octets[1] : octets[2]]
        if len(parts) > 2:
            self._parse_mac(_expect(parts[2], 0x30, "MacData"))
        safe = _expect(_tlv(self.auth_safe, 0), 0x30, "AuthenticatedSafe")
        for content_info in _children(self.auth_safe, safe[1], safe[2]):
            self._parse_content_info(self.auth_safe, content_info)

    def _parse_mac(self, element: tuple[int, int, int]) -> None:
        data = self.data
        mac_parts = _children(data, element[1], element[2])
        digest_info = _children(data, mac_parts[0][1], mac_parts[0][2])
        self.mac_digest_oid = _algorithm(data, digest_info[0])[0]
        digest = _expect(digest_info[1], 0x04, "MAC digest")
        self.mac_digest = data[digest[1] : digest[2]]
        salt = _expect(mac_parts[1], 0x04, "MAC salt")
        self.mac_salt = data[salt[1] : salt[2]]
        if len(mac_parts) > 2:
            self.mac_iterations = _int(data, mac_parts[2])

    def _parse_content_info(self, buf: bytes, element: tuple[int, int, int]) -> None:
        info = _children(buf, element[1], element[2])
        content_type = _oid(buf, info[0])
        if content_type == _OID_DATA:
            wrapper = _expect(info[1], 0xA0, "data content")
            octets = _expect(_tlv(buf, wrapper[1], wrapper[2]), 0x04, "data octets")
            self._parse_safe_contents(buf[octets[1] : octets[2]])
        elif content_type == _OID_ENCRYPTED_DATA:
            wrapper = _expect(info[1], 0xA0, "encryptedData content")
            encrypted_data = _children(buf, *_tlv(buf, wrapper[1], wrapper[2])[1:])
            encrypted_content_info = _children(buf, encrypted_data[1][1], encrypted_data[1][2])
            self.certificate_encryption.append(_describe_encryption(buf, encrypted_content_info[1]))
            self.encrypted_infos.append(buf[element[1] - _header_length(buf, element) : element[2]])
        else:
            self.opaque = True

    def _parse_safe_contents(self, buf: bytes) -> None:
        seq = _expect(_tlv(buf, 0), 0x30, "SafeContents")
        for bag in _children(buf, seq[1], seq[2]):
            parts = _children(buf, bag[1], bag[2])
            bag_type = _oid(buf, parts[0])
            value = _expect(parts[1], 0xA0, "bag value")
            inner = _tlv(buf, value[1], value[2])
            inner_der = buf[value[1] : value[2]]
            if bag_type == _OID_SHROUDED_KEY_BAG:
                algorithm = _children(buf, inner[1], inner[2])[0]
                self.key_encryption.append(_describe_encryption(buf, algorithm))
                self.key_bags.append((bag_type, inner_der))
            elif bag_type == _OID_KEY_BAG:
                self.key_encryption.append(("none (unencrypted key)", False))
                self.key_bags.append((bag_type, inner_der))
            elif bag_type == _OID_CERT_BAG:
                cert_parts = _children(buf, inner[1], inner[2])
                if _oid(buf, cert_parts[0]) == _OID_X509_CERT:
                    wrapped = _expect(cert_parts[1], 0xA0, "certificate value")
                    octets = _expect(_tlv(buf, wrapped[1], wrapped[2]), 0x04, "certificate octets")
                    self.plain_certificates.append(buf[octets[1] : octets[2]])
            else:
                # CRLs, secrets, nested SafeContents: rare in certificates for RNDS
                self.opaque = True

    @property
    def legacy_algorithms(self) -> list[str]:
        return sorted({name for name, legacy in self.key_encryption + self.certificate_encryption if legacy})


def _header_length(buf: bytes, element: tuple[int, int, int]) -> int:
    """Length of the tag+length header of an element whose value starts at element[1]."""
    length = element[2] - element[1]
    if length < 0x80:
        return 2
    return 2 + (length.bit_length() + 7) // 8


# --- the PKCS#12 MAC (RFC 7292, appendix B) ------------------------------------------------------


def pkcs12_kdf(hash_name: str, password: bytes, salt: bytes, purpose: int, iterations: int, size: int) -> bytes:
    """RFC 7292 B.2 key derivation. ``password`` is already BMPString-encoded (or empty)."""
    digest_size = hashlib.new(hash_name).digest_size
    block = hashlib.new(hash_name).block_size
    new = getattr(hashlib, hash_name, None) or (lambda data=b"": hashlib.new(hash_name, data))

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


def _bmp_passwords(password: str) -> list[bytes]:
    """Encodings under which OpenSSL may have keyed the MAC (it tries both for an empty password)."""
    if password:
        return [password.encode("utf-16-be") + b"\x00\x00"]
    return [b"\x00\x00", b""]


def _mac(auth_safe: bytes, bmp_password: bytes, salt: bytes, iterations: int, hash_name: str) -> bytes:
    key = pkcs12_kdf(hash_name, bmp_password, salt, 3, iterations, hashlib.new(hash_name).digest_size)
    return hmac.new(key, auth_safe, hash_name).digest()


def check_mac(envelope: _Envelope, password: str) -> tuple[str, bytes | None]:
    """Return ("ok", encoding) / ("mismatch", None) / ("absent" | "unsupported", None)."""
    if envelope.mac_digest_oid is None:
        return "absent", None
    hash_name = _DIGESTS.get(envelope.mac_digest_oid)
    if hash_name is None or envelope.mac_iterations > _MAX_MAC_ITERATIONS:
        return "unsupported", None  # PBMAC1, absurd iteration counts: cryptography will judge
    for candidate in _bmp_passwords(password):
        mac = _mac(envelope.auth_safe, candidate, envelope.mac_salt, envelope.mac_iterations, hash_name)
        if hmac.compare_digest(mac, envelope.mac_digest):
            return "ok", candidate
    return "mismatch", None


# --- loading -------------------------------------------------------------------------------------


class _Loaded:
    def __init__(self, key, certificate, others: list) -> None:
        self.key = key
        self.certificate = certificate
        self.others = others


def _spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _pick(key, certificates: list) -> _Loaded:
    """Split certificates into the one matching the key and the rest (the chain)."""
    if key is not None:
        wanted = _spki(key.public_key())
        for index, cert in enumerate(certificates):
            try:
                if _spki(cert.public_key()) == wanted:
                    return _Loaded(key, cert, certificates[:index] + certificates[index + 1 :])
            except (ValueError, UnsupportedAlgorithm):
                continue
        return _Loaded(key, None, certificates)
    return _Loaded(None, certificates[0] if certificates else None, certificates[1:])


def _fast_load(envelope: _Envelope, password: str, mac_encoding: bytes) -> _Loaded:
    """Decrypt the key without cryptography's RSA primality re-check, and the certificates.

    Raises ValueError / UnsupportedAlgorithm when something is out of its reach: the caller then
    falls back to cryptography's own loader.
    """
    if envelope.opaque or len(envelope.key_bags) != 1 or not password:
        # several keys, none in plain view (it may sit in an encrypted part), an empty password:
        # cryptography's own loader looks everywhere
        raise ValueError("not handled by the fast path")
    bag_type, der = envelope.key_bags[0]
    secret = password.encode("utf-8") if bag_type == _OID_SHROUDED_KEY_BAG else None
    key = serialization.load_der_private_key(der, secret, unsafe_skip_rsa_key_validation=True)
    certificates = [x509.load_der_x509_certificate(der) for der in envelope.plain_certificates]
    if envelope.encrypted_infos:
        certificates.extend(_decrypt_certificates(envelope, password, mac_encoding))
    return _pick(key, certificates)


def _decrypt_certificates(envelope: _Envelope, password: str, mac_encoding: bytes) -> list:
    """Let cryptography (OpenSSL) decrypt the certificate parts, re-wrapped without the key.

    A PFX holding only the encrypted certificate parts, with a fresh MAC under the same password,
    is loaded by cryptography: it runs every cipher (RC2 through the legacy provider) and, with no
    key in it, skips the slow RSA re-check. A key hidden in those parts would come back here and is
    refused, so the caller falls back to the whole-file loader rather than report "no key".
    """
    auth_safe = _encode(0x30, b"".join(envelope.encrypted_infos))
    salt = hashlib.sha256(auth_safe).digest()[:8]
    mac = _mac(auth_safe, mac_encoding, salt, 1, "sha256")
    digest_info = _encode(
        0x30, _encode(0x30, _encode(0x06, bytes.fromhex("608648016503040201")) + b"\x05\x00") + _encode(0x04, mac)
    )
    mac_data = _encode(0x30, digest_info + _encode(0x04, salt))  # iterations: DEFAULT 1, so not encoded
    content_info = _encode(
        0x30, _encode(0x06, bytes.fromhex("2a864886f70d010701")) + _encode(0xA0, _encode(0x04, auth_safe))
    )
    pfx = _encode(0x30, _encode(0x02, b"\x03") + content_info + mac_data)
    hidden_key, cert, others = pkcs12.load_key_and_certificates(pfx, password.encode("utf-8"))
    if hidden_key is not None:
        raise ValueError("a second key in an encrypted part")
    return ([cert] if cert is not None else []) + list(others)


def _slow_load(data: bytes, password: str) -> _Loaded:
    key, cert, others = pkcs12.load_key_and_certificates(data, password.encode("utf-8") if password else None)
    certificates = ([cert] if cert is not None else []) + list(others)
    return _pick(key, certificates)


def proves_possession(key, certificate) -> bool:
    """Sign with the private key and verify with the certificate's public key."""
    message = b"esus.pec key possession check"
    public = certificate.public_key()
    try:
        if isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
            public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            public.verify(key.sign(message, ec.ECDSA(hashes.SHA256())), message, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
            public.verify(key.sign(message), message)
        elif isinstance(key, dsa.DSAPrivateKey):
            public.verify(key.sign(message, hashes.SHA256()), message, hashes.SHA256())
        else:
            return _spki(key.public_key()) == _spki(public)
    except (InvalidSignature, TypeError, ValueError, AttributeError):
        return False
    return True


# --- identity ------------------------------------------------------------------------------------


def normalize_cnpj(value: str) -> str:
    """Strip punctuation: '12.345.678/0001-95' -> '12345678000195' (alphanumeric CNPJ kept upper)."""
    return re.sub(r"[\s./-]", "", str(value)).upper()


def cnpj_problem(value: str) -> str | None:
    """Why a CNPJ given by a user cannot be right, or None. Knows the 2026 alphanumeric form."""
    cnpj = normalize_cnpj(value)
    if not _CNPJ_RE.match(cnpj):
        return "'%s' is not a CNPJ: it needs 14 characters (12 digits or letters and 2 check digits)" % value
    numbers = [ord(char) - 48 for char in cnpj]
    for position in (12, 13):
        weights = list(range(position - 7, 1, -1)) + list(range(9, 1, -1))
        remainder = sum(n * w for n, w in zip(numbers[:position], weights)) % 11
        if numbers[position] != (0 if remainder < 2 else 11 - remainder):
            return "'%s' has wrong check digits: look for a typo" % value
    return None


def format_cnpj(cnpj: str) -> str:
    if len(cnpj) != 14:
        return cnpj
    return "%s.%s.%s/%s-%s" % (cnpj[:2], cnpj[2:5], cnpj[5:8], cnpj[8:12], cnpj[12:])


def mask_cpf(cpf: str) -> str:
    """'12345678901' -> '***.456.789-**' (the form Brazilian systems show publicly)."""
    return "***.%s.%s-**" % (cpf[3:6], cpf[6:9])


def identity(certificate) -> dict:
    """CNPJ, responsible person's masked CPF and name from an ICP-Brasil certificate."""
    found = {"cnpj": None, "responsible_cpf_masked": None, "responsible_name": None}
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        other_names = names.get_values_for_type(x509.OtherName)
    except (x509.ExtensionNotFound, ValueError):
        other_names = []
    for other in other_names:
        try:
            text = decode_der_string(other.value).strip()
        except DerError:
            continue
        oid = other.type_id.dotted_string
        if oid == OID_ICP_CNPJ and _CNPJ_RE.match(normalize_cnpj(text)):
            found["cnpj"] = normalize_cnpj(text)
        elif oid == OID_ICP_RESPONSIBLE_DATA and len(text) >= 19 and text[8:19].isdigit():
            found["responsible_cpf_masked"] = mask_cpf(text[8:19])
        elif oid == OID_ICP_RESPONSIBLE_NAME and text:
            found["responsible_name"] = text
    if found["cnpj"] is None:
        for attribute in certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME):
            match = _CN_CNPJ_RE.search(str(attribute.value).strip())
            if match:
                found["cnpj"] = match.group(1)
    return found


# --- description ---------------------------------------------------------------------------------


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _key_info(public) -> dict:
    """Type and size of the certificate's key (the private key is proven to match it)."""
    if isinstance(public, rsa.RSAPublicKey):
        return {"key_type": "RSA", "key_size": public.key_size, "key_curve": None}
    if isinstance(public, ec.EllipticCurvePublicKey):
        return {"key_type": "EC", "key_size": public.curve.key_size, "key_curve": public.curve.name}
    if isinstance(public, ed25519.Ed25519PublicKey):
        return {"key_type": "Ed25519", "key_size": 256, "key_curve": None}
    if isinstance(public, ed448.Ed448PublicKey):
        return {"key_type": "Ed448", "key_size": 456, "key_curve": None}
    if isinstance(public, dsa.DSAPublicKey):
        return {"key_type": "DSA", "key_size": public.key_size, "key_curve": None}
    return {"key_type": type(public).__name__, "key_size": None, "key_curve": None}


def _self_signed(certificate) -> bool:
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except AttributeError:  # cryptography < 40 (Debian 12 hosts): name comparison only
        return True
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def validity(certificate) -> tuple[datetime.datetime, datetime.datetime]:
    """(not_before, not_after) as aware UTC datetimes, also on cryptography < 42 (Debian 12 hosts)."""
    try:
        return certificate.not_valid_before_utc, certificate.not_valid_after_utc
    except AttributeError:
        utc = datetime.timezone.utc
        return certificate.not_valid_before.replace(tzinfo=utc), certificate.not_valid_after.replace(tzinfo=utc)


def describe(certificate, now: datetime.datetime) -> dict:
    not_before, not_after = validity(certificate)
    info = {
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "serial": format(certificate.serial_number, "X"),
        "not_before": _iso(not_before),
        "not_after": _iso(not_after),
        "days_left": int((not_after - now).total_seconds() // 86400),
        "fingerprint_sha256": certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
        "self_signed": _self_signed(certificate),
    }
    info.update(identity(certificate))
    info["cnpj_formatted"] = format_cnpj(info["cnpj"]) if info["cnpj"] else None
    info.update(_key_info(certificate.public_key()))
    return info


# --- the verdict ---------------------------------------------------------------------------------


def make_report(
    verdict: str,
    msg: str,
    reasons: list[str] | None = None,
    certificate: dict | None = None,
    chain_length: int = 0,
    algorithms: dict | None = None,
) -> dict:
    return {
        "verdict": verdict,
        "valid": verdict in USABLE_VERDICTS,
        "msg": msg,
        "reasons": reasons if reasons is not None else [msg],
        "pec_status": PEC_STATUS.get(verdict, PEC_STATUS_DEFAULT),
        "certificate": certificate,
        "chain_length": chain_length,
        "pkcs12": algorithms,
    }


def _algorithms(envelope: _Envelope | None) -> dict | None:
    if envelope is None:
        return None
    hash_name = _DIGESTS.get(envelope.mac_digest_oid or "")
    if envelope.mac_digest_oid is None:
        mac = None
    elif envelope.mac_digest_oid == _OID_PBMAC1:
        mac = "PBMAC1"
    else:
        mac = (hash_name or envelope.mac_digest_oid).upper()
    key = sorted({name for name, legacy in envelope.key_encryption})
    certs = sorted({name for name, legacy in envelope.certificate_encryption})
    return {
        "key_encryption": ", ".join(key) if key else None,
        "certificate_encryption": ", ".join(certs) if certs else ("none" if envelope.plain_certificates else None),
        "mac_algorithm": mac,
        "mac_iterations": envelope.mac_iterations if mac else None,
        "legacy": bool(envelope.legacy_algorithms),
        "legacy_algorithms": envelope.legacy_algorithms,
    }


def missing_report(label: str) -> dict:
    return make_report(
        MISSING,
        "%s: no such file. Put the municipality's certificate (.pfx/.p12 from e-Gestor AB) "
        "there, or fix the path." % label,
    )


def too_large_report(label: str, size: int) -> dict:
    return make_report(
        NOT_PKCS12,
        "%s: %d bytes is far too large for a certificate (limit %d bytes); this is not the "
        ".pfx/.p12 from e-Gestor AB." % (label, size, MAX_SIZE),
    )


def _sniff_other(data: bytes, label: str) -> dict | None:
    """Verdict for input that is not a PFX: a bare certificate, a PEM key, text, empty..."""
    head = data[:64].lstrip()
    if not data.strip():
        return make_report(NOT_PKCS12, "%s: the file is empty. Copy the certificate (.pfx/.p12) again." % label)
    if head.startswith(b"-----BEGIN"):
        if b"-----BEGIN CERTIFICATE-----" in data or b"-----BEGIN PKCS7-----" in data:
            if b"PRIVATE KEY-----" in data:
                return make_report(
                    NOT_PKCS12,
                    "%s: PEM text with a certificate and a private key, not a PKCS#12 file. "
                    "PEC accepts only .pfx/.p12: bundle them with 'openssl pkcs12 -export' "
                    "(keep a password on it)." % label,
                )
            return _certificate_only(label, "PEM")
        return make_report(
            NOT_PKCS12,
            "%s: PEM text (%s), not a PKCS#12 file. PEC accepts only the .pfx/.p12 "
            "exported with the private key." % (label, head.split(b"\n")[0][:40].decode("ascii", "replace").strip()),
        )
    if data[:1] == b"\x30":
        try:
            x509.load_der_x509_certificate(data)
            return _certificate_only(label, "DER")
        except ValueError:
            pass
        try:
            pkcs7.load_der_pkcs7_certificates(data)
            return _certificate_only(label, "PKCS#7 (.p7b)")
        except (ValueError, UnsupportedAlgorithm):
            pass
    return None


def _certificate_only(label: str, form: str) -> dict:
    return make_report(
        CERTIFICATE_ONLY,
        "%s: a certificate without its private key (%s .cer/.crt). PEC does not "
        "accept it ('Falha no certificado'): it needs the PKCS#12 (.pfx/.p12) with the "
        "private key, as exported from e-Gestor AB or from the machine where the "
        "certificate was requested." % (label, form),
    )


def _looks_like_pfx(data: bytes) -> bool:
    """True when the first bytes are a PFX's (SEQUENCE, INTEGER 3), even if the rest is damaged."""
    try:
        tag, start, _end = _tlv(data, 0)
    except NotDer:
        return data[:1] == b"\x30" and data[2:5] == b"\x02\x01\x03"
    except DerError:
        if data[:1] != b"\x30" or len(data) < 2:
            return False
        first = data[1]
        start = 2 + (first & 0x7F if first & 0x80 else 0)
        tag = 0x30
    return tag == 0x30 and data[start : start + 3] == b"\x02\x01\x03"


def validate(
    data: bytes | None,
    password: str | None = "",
    *,
    label: str = "certificate",
    min_days_valid: int = 30,
    expected_cnpj: str | None = None,
    now: datetime.datetime | None = None,
) -> dict:
    """Validate PKCS#12 bytes with a password and return the report (see the module's RETURN)."""
    if data is None:
        return missing_report(label)
    password = password or ""
    if len(data) > MAX_SIZE:
        return too_large_report(label, len(data))
    if not _looks_like_pfx(data):
        other = _sniff_other(data, label)
        if other is not None:
            return other
    envelope = None
    try:
        envelope = _Envelope(data)
    except NotDer:
        pass  # BER from some old exporters: cryptography (OpenSSL) reads it
    except (DerError, IndexError) as exc:
        if _looks_like_pfx(data):
            return make_report(
                CORRUPT,
                "%s: the PKCS#12 file is damaged or truncated (%s). Copy it again from the "
                "original export; a vaulted file must be re-encrypted from the binary "
                "file, not pasted as text." % (label, exc),
            )
        return make_report(
            NOT_PKCS12,
            "%s: not a PKCS#12 (.pfx/.p12) file. PEC needs the certificate exported with "
            "its private key from e-Gestor AB." % label,
        )
    algorithms = _algorithms(envelope)
    mac_state, mac_encoding = check_mac(envelope, password) if envelope is not None else ("unsupported", None)
    if mac_state == "mismatch":
        return make_report(
            WRONG_PASSWORD,
            "%s: wrong password: the file's integrity code (MAC) does not match it. PEC "
            "would show 'Falha no certificado'. Check the password kept for this "
            "municipality (vault) or export the certificate again." % label,
            algorithms=algorithms,
        )
    loaded = None
    if envelope is not None and mac_state == "ok":
        try:
            loaded = _fast_load(envelope, password, mac_encoding)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            loaded = None
    if loaded is None:
        try:
            loaded = _slow_load(data, password)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            return _load_failure(label, envelope, mac_state, algorithms, exc)
    return _judge(loaded, label, algorithms, min_days_valid, expected_cnpj, now)


def _load_failure(
    label: str, envelope: _Envelope | None, mac_state: str, algorithms: dict | None, exc: Exception
) -> dict:
    legacy = envelope.legacy_algorithms if envelope is not None else []
    if mac_state == "ok":
        if legacy:
            return make_report(
                UNSUPPORTED_ENCRYPTION,
                "%s: the password is right (the MAC matches) but the file is "
                "encrypted with %s, which this OpenSSL cannot decrypt (its legacy "
                "provider is not available). Enable OpenSSL's legacy provider on "
                "the controller, or re-export the certificate with AES "
                "(openssl pkcs12 -export, OpenSSL 3 defaults)." % (label, ", ".join(legacy)),
                algorithms=algorithms,
            )
        return make_report(
            CORRUPT,
            "%s: the password is right but the contents cannot be decrypted or read (%s). "
            "Export the certificate again." % (label, exc),
            algorithms=algorithms,
        )
    hint = ""
    if legacy:
        hint = " (or the file's %s encryption is not available in this OpenSSL)" % ", ".join(legacy)
    return make_report(
        WRONG_PASSWORD,
        "%s: the password does not open this PKCS#12 file%s. PEC would show 'Falha no "
        "certificado'. Check the password kept for this municipality." % (label, hint),
        algorithms=algorithms,
    )


def _judge(
    loaded: _Loaded,
    label: str,
    algorithms: dict | None,
    min_days_valid: int,
    expected_cnpj: str | None,
    now: datetime.datetime | None,
) -> dict:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    chain_length = len(loaded.others) + (1 if loaded.certificate is not None else 0)
    if loaded.key is None:
        certificate = describe(loaded.certificate, now) if loaded.certificate is not None else None
        return make_report(
            NO_PRIVATE_KEY,
            "%s: the PKCS#12 file holds %d certificate(s) but no private key. PEC needs "
            "the key: export the certificate again with 'include the private key'." % (label, chain_length),
            certificate=certificate,
            chain_length=chain_length,
            algorithms=algorithms,
        )
    if loaded.certificate is None:
        return make_report(
            KEY_MISMATCH,
            "%s: the private key matches none of the %d certificate(s) in the file. Export "
            "the certificate together with its own key." % (label, chain_length),
            chain_length=chain_length,
            algorithms=algorithms,
        )
    certificate = describe(loaded.certificate, now)
    if not proves_possession(loaded.key, loaded.certificate):
        return make_report(
            KEY_MISMATCH,
            "%s: the private key does not belong to the certificate (a signature made "
            "with it does not verify). Export the certificate together with its own key." % label,
            certificate=certificate,
            chain_length=chain_length,
            algorithms=algorithms,
        )
    findings = []
    days = certificate["days_left"]
    not_before, not_after = validity(loaded.certificate)
    if now < not_before:
        findings.append(
            (
                NOT_YET_VALID,
                "%s: the certificate is valid only from %s. Check the clock of the controller "
                "or wait until then." % (label, certificate["not_before"]),
            )
        )
    if now >= not_after:
        findings.append(
            (
                EXPIRED,
                "%s: the certificate expired on %s (%d days ago). PEC would show 'Certificado "
                "expirado'. Request a new one in e-Gestor AB and deploy it." % (label, certificate["not_after"], -days),
            )
        )
    if expected_cnpj:
        wanted = normalize_cnpj(expected_cnpj)
        if certificate["cnpj"] is None:
            findings.append(
                (
                    IDENTITY_MISMATCH,
                    "%s: expected CNPJ %s but the certificate carries no CNPJ "
                    "(ICP-Brasil otherName 2.16.76.1.3.3 or CN 'NAME:CNPJ'). Is this the "
                    "municipality's e-CNPJ certificate?" % (label, format_cnpj(wanted)),
                )
            )
        elif certificate["cnpj"] != wanted:
            findings.append(
                (
                    IDENTITY_MISMATCH,
                    "%s: the certificate belongs to CNPJ %s, not the expected %s. "
                    "It is another entity's certificate: check which file goes to "
                    "this host." % (label, certificate["cnpj_formatted"], format_cnpj(wanted)),
                )
            )
    if not findings and days <= min_days_valid:
        findings.append(
            (
                EXPIRING,
                "%s: valid, but expires on %s, in %d days (warning threshold %d). Request the "
                "renewal in e-Gestor AB now." % (label, certificate["not_after"], days, min_days_valid),
            )
        )
    if not findings:
        return make_report(
            OK,
            "%s: valid certificate for %s, %d days left."
            % (label, certificate["cnpj_formatted"] or certificate["subject"], days),
            reasons=[],
            certificate=certificate,
            chain_length=chain_length,
            algorithms=algorithms,
        )
    verdict, msg = findings[0]
    return make_report(
        verdict,
        msg,
        reasons=[text for _verdict, text in findings],
        certificate=certificate,
        chain_length=chain_length,
        algorithms=algorithms,
    )
