# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The parts of a PKCS#12 (RFC 7292) that can be read without the password, read strictly, and the
key-derivation work the file asks for, bounded before any of it is done.

Private to the collection: no stability promise outside esus.pec.

Strict means every element the schema names is checked (tags, counts, bag attributes, no trailing
bytes inside), as OpenSSL's and Java's parsers do: a file whose envelope is damaged is ``Damaged`` here,
so it is never judged usable because the damaged part happened to be one nobody looked at. Bytes after
the AuthenticatedSafe (like bytes after the PFX) are ignored by both, so they are only noted here.
Standard library only.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._asn1 import (
        Asn1Error,
        Asn1TooLarge,
        Node,
        Tag,
        encode,
        encode_tlv,
        expect,
        integer,
        items,
        octets,
        oid,
        parse,
        parse_prefix,
    )
    from ansible_collections.esus.pec.plugins.module_utils._java_pairing import CERTIFICATE, KEY, PLAIN_KEY
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _asn1 import (
        Asn1Error,
        Asn1TooLarge,
        Node,
        Tag,
        encode,
        encode_tlv,
        expect,
        integer,
        items,
        octets,
        oid,
        parse,
        parse_prefix,
    )
    from _java_pairing import CERTIFICATE, KEY, PLAIN_KEY

# --- the work budget ------------------------------------------------------------------------------
# Real exporters use 2,000 (Windows), 2,048 (OpenSSL), 10,000 (Java) or 20,000 (cryptography) iterations.
MAX_ITERATIONS = 1_000_000
"""Largest iteration count accepted in any one place (the MAC, each encrypted part or key)."""
MAX_WORK = 6_000_000
"""Largest total of derivation rounds (a count times the hash passes its cipher needs), MAC included.

GnuTLS certtool 3.7.9 writes 600,000 iterations and one encrypted part per certificate: with a chain of
3 that is 5,400,000 rounds. The costliest file this lets through takes about 1.3 s of CPU
(benchmarks/bench_pkcs12_budget.py)."""
MAX_PROTECTED = 32
"""Largest number of encrypted parts plus encrypted keys (a certificate from e-Gestor AB has 2)."""
MAX_BAGS = 256
"""Largest number of bags (keys, certificates, anything else) in the whole file."""
_MAX_NESTING = 4  # safeContentsBag inside safeContentsBag...

OID_DATA = "1.2.840.113549.1.7.1"
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_ENVELOPED_DATA = "1.2.840.113549.1.7.3"
OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
OID_KEY_BAG = "1.2.840.113549.1.12.10.1.1"
OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
OID_CERT_BAG = "1.2.840.113549.1.12.10.1.3"
OID_SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6"
OID_X509_CERTIFICATE = "1.2.840.113549.1.9.22.1"
OID_FRIENDLY_NAME = "1.2.840.113549.1.9.20"
OID_LOCAL_KEY_ID = "1.2.840.113549.1.9.21"
# Java's own attribute for a trusted certificate entry (keytool -importcert): never paired with a key
OID_JAVA_TRUSTED_KEY_USAGE = "2.16.840.1.113894.746875.1.1"
OID_PBES2 = "1.2.840.113549.1.5.13"
OID_PBKDF2 = "1.2.840.113549.1.5.12"
OID_PBMAC1 = "1.2.840.113549.1.5.14"
_OID_SCRYPT = "1.3.6.1.4.1.11591.4.11"
# Bag attributes whose value type OpenSSL and Java insist on when they load the file
_TYPED_ATTRIBUTES = {
    OID_FRIENDLY_NAME: Tag.BMP_STRING,
    OID_LOCAL_KEY_ID: Tag.OCTET_STRING,
}


# Ciphers Java 17's SunJCE has, checked with keytool/getKey on openssl -keypbe/-certpbe files (docs/verdicts.md):
# PBES2 with AES-128/256-CBC only; PKCS#12 PBE but 2-key 3DES; of PBES1 only pbeWithMD5AndDES-CBC
JAVA_CIPHERS = {
    "AES-128-CBC",
    "AES-256-CBC",
    "pbeWithSHA1And128BitRC4",
    "pbeWithSHA1And40BitRC4",
    "pbeWithSHA1And3-KeyTripleDES-CBC",
    "pbeWithSHA1And128BitRC2-CBC",
    "pbeWithSHA1And40BitRC2-CBC",
    "pbeWithMD5AndDES-CBC",
}
# PKCS#12 PBE (RFC 7292 appendix C): name, key bytes, IV bytes, needs OpenSSL 3's legacy provider
_PKCS12_PBE = {
    "1.2.840.113549.1.12.1.1": ("pbeWithSHA1And128BitRC4", 16, 0, True),
    "1.2.840.113549.1.12.1.2": ("pbeWithSHA1And40BitRC4", 5, 0, True),
    "1.2.840.113549.1.12.1.3": ("pbeWithSHA1And3-KeyTripleDES-CBC", 24, 8, False),
    "1.2.840.113549.1.12.1.4": ("pbeWithSHA1And2-KeyTripleDES-CBC", 16, 8, False),
    "1.2.840.113549.1.12.1.5": ("pbeWithSHA1And128BitRC2-CBC", 16, 8, True),
    "1.2.840.113549.1.12.1.6": ("pbeWithSHA1And40BitRC2-CBC", 5, 8, True),
}
# PKCS#5 v1.5 PBES1: one hash chain gives key and IV
_PBES1 = {
    "1.2.840.113549.1.5.1": "pbeWithMD2AndDES-CBC",
    "1.2.840.113549.1.5.3": "pbeWithMD5AndDES-CBC",
    "1.2.840.113549.1.5.4": "pbeWithMD2AndRC2-CBC",
    "1.2.840.113549.1.5.6": "pbeWithMD5AndRC2-CBC",
    "1.2.840.113549.1.5.10": "pbeWithSHA1AndDES-CBC",
    "1.2.840.113549.1.5.11": "pbeWithSHA1AndRC2-CBC",
}
# PBES2 ciphers: name, key bytes, IV bytes, legacy
PBES2_CIPHERS = {
    "2.16.840.1.101.3.4.1.2": ("AES-128-CBC", 16, 16, False),
    "2.16.840.1.101.3.4.1.22": ("AES-192-CBC", 24, 16, False),
    "2.16.840.1.101.3.4.1.42": ("AES-256-CBC", 32, 16, False),
    "1.2.840.113549.3.7": ("DES-EDE3-CBC", 24, 8, False),
    "1.3.14.3.2.7": ("DES-CBC", 8, 8, True),
    "1.2.840.113549.3.2": ("RC2-CBC", 16, 8, True),
}
# PBKDF2 PRFs: name, output bytes
PBKDF2_PRFS = {
    "1.2.840.113549.2.7": ("SHA1", 20),
    "1.2.840.113549.2.8": ("SHA224", 28),
    "1.2.840.113549.2.9": ("SHA256", 32),
    "1.2.840.113549.2.10": ("SHA384", 48),
    "1.2.840.113549.2.11": ("SHA512", 64),
}
_SHA1_SIZE = 20
# MAC digests that both OpenSSL and Java's PKCS12 KeyStore (what PEC uses) accept
MAC_DIGESTS = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    # Java 17 has HmacPBESHA512/224 and /256 (keytool -J-Dkeystore.pkcs12.macAlgorithm=...); OpenSSL
    # writes them with -macalg sha512-224 and sha512-256
    "2.16.840.1.101.3.4.2.5": "sha512_224",
    "2.16.840.1.101.3.4.2.6": "sha512_256",
}


class Damaged(Exception):
    """The envelope breaks the PKCS#12 schema: the file is damaged (verdict corrupt)."""


class Unsupported(Exception):
    """Readable, but asks for something PEC cannot do or more work than allowed (unsupported_encryption)."""


class Protection(NamedTuple):
    """How one encrypted part or key is protected, as read from its AlgorithmIdentifier."""

    name: str  # for people: "PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)"
    legacy: bool  # OpenSSL 3 decrypts it only with its legacy provider
    iterations: int
    work: int  # derivation rounds: iterations x hash passes
    pbes2: PBES2 | None = None  # the parameters, when it is PBES2 with PBKDF2 and a known cipher
    cipher: str = ""  # the cipher alone, as JAVA_CIPHERS names it

    @property
    def java_has(self) -> bool:
        """Whether Java 17 (PEC) can decrypt it."""
        return self.cipher in JAVA_CIPHERS


class PBES2(NamedTuple):
    salt: bytes
    iterations: int
    key_length: int
    prf: str
    cipher_oid: str
    iv: bytes


class KeyBag(NamedTuple):
    der: bytes  # PrivateKeyInfo, or EncryptedPrivateKeyInfo when protection is set
    protection: Protection | None
    ciphertext: bytes = b""  # the encrypted PrivateKeyInfo


class EncryptedPart(NamedTuple):
    der: bytes  # the whole encryptedData ContentInfo, as DER
    protection: Protection
    ciphertext: bytes  # the encrypted SafeContents


class BagRef(NamedTuple):
    """Where a key or certificate bag sits and the attributes Java pairs keys and certificates by."""

    kind: str  # KEY, PLAIN_KEY or CERTIFICATE
    index: int  # into the envelope's keys or certificates
    key_id: bytes | None  # localKeyID
    name: str | None  # friendlyName
    trusted: bool  # Java's trusted-certificate attribute: a certificate entry, never a key's
    position: int  # index in its SafeContents: Java gives the id "01" to a certificate at 0 only
    nested: bool  # inside a safeContentsBag, which Java skips with all it holds
    cert_type: str = OID_X509_CERTIFICATE


class MacData(NamedTuple):
    hash_name: str
    digest: bytes
    salt: bytes
    iterations: int


class Envelope:
    """What a PFX shows without the password. Raises Damaged or Unsupported."""

    def __init__(self, root: Node | None = None) -> None:
        self.auth_safe = b""  # the bytes the MAC covers
        self.mac: MacData | None = None
        self.keys: list[KeyBag] = []
        self.certificates: list[bytes] = []
        self.certificate_types: list[str] = []  # each certificate's certType (Java reads all as X.509)
        self.parts: list[EncryptedPart] = []
        self.auth_safe_trailing = 0  # bytes after the AuthenticatedSafe, which Java and OpenSSL ignore
        # the AuthenticatedSafe in order, as Java reads it: the bags of a plain part, or an index into parts
        self.layout: list[list[BagRef] | int] = []
        self.unreadable_certificates: list[str] = []  # certBags Java fails the whole load on (why)
        self._bags = 0
        if root is None:
            return
        try:
            self._read_pfx(root)
        except Asn1TooLarge as exc:
            raise Unsupported("it is far larger inside than a certificate (%s)" % exc) from None
        except Asn1Error as exc:
            raise Damaged(str(exc)) from None
        self._check_budget(MAX_WORK)

    @classmethod
    def of_bags(cls, plain: bytes, work_left: int) -> Envelope:
        """The bags of a decrypted part, read as strictly as the rest; their keys within ``work_left``."""
        found = cls()
        found.layout.append([])
        try:
            found._read_safe_contents(parse(plain), 0)
        except Asn1Error as exc:
            raise Damaged("a decrypted part is not a list of bags (%s)" % exc) from None
        found._check_budget(work_left)
        return found

    # - reading -
    def _read_pfx(self, root: Node) -> None:
        parts = items(expect(root, Tag.SEQUENCE, "PFX"), "PFX", 2, 3)
        version = integer(parts[0], "PFX version")
        if version != 3:
            raise Damaged("PFX version %d, where PKCS#12 has 3" % version)
        content_type, content = _content_info(parts[1], "authSafe")
        if content_type == OID_SIGNED_DATA:
            raise Unsupported(
                "it uses public-key integrity (a signature instead of a password MAC), which PEC cannot open"
            )
        if content_type != OID_DATA or content is None:
            raise Damaged("the authSafe is not PKCS#7 data (%s)" % content_type)
        self.auth_safe = octets(content, "authSafe content")
        if len(parts) == 3:
            self.mac = _mac_data(parts[2])
        auth_safe, end = parse_prefix(self.auth_safe)
        self.auth_safe_trailing = len(self.auth_safe) - end
        for info in items(expect(auth_safe, Tag.SEQUENCE, "AuthenticatedSafe"), "AuthenticatedSafe"):
            self._read_part(info)

    def _read_part(self, info: Node) -> None:
        content_type, content = _content_info(info, "authSafe part")
        if content is None:
            raise Damaged("an authSafe part without content")
        if content_type == OID_DATA:
            self.layout.append([])
            self._read_safe_contents(parse(octets(content, "data part")), 0)
        elif content_type == OID_ENCRYPTED_DATA:
            self.layout.append(len(self.parts))
            self.parts.append(_encrypted_part(info, content))
        elif content_type == OID_ENVELOPED_DATA:
            raise Unsupported("a part is encrypted to a public key (envelopedData), which PEC cannot open")
        else:
            raise Unsupported("a part of an unknown type (%s), which PEC cannot open" % content_type)

    def _read_safe_contents(self, safe: Node, depth: int) -> None:
        for position, bag in enumerate(items(expect(safe, Tag.SEQUENCE, "SafeContents"), "SafeContents")):
            self._bags += 1
            if self._bags > MAX_BAGS:
                raise Unsupported("more than %d bags (a certificate from e-Gestor AB has 2 to 6)" % MAX_BAGS)
            fields = items(expect(bag, Tag.SEQUENCE, "SafeBag"), "SafeBag", 2, 3)
            bag_type = oid(fields[0], "bag type")
            value = items(expect(fields[1], Tag.CONTEXT_0, "bag value"), "bag value", 1, 1)[0]
            key_id, name, trusted = _attributes(fields[2]) if len(fields) == 3 else (None, None, False)
            ref = None
            if bag_type == OID_KEY_BAG:
                expect(value, Tag.SEQUENCE, "PrivateKeyInfo")
                ref = BagRef(PLAIN_KEY, len(self.keys), key_id, name, trusted, position, depth > 0)
                self.keys.append(KeyBag(encode(value), None))
            elif bag_type == OID_SHROUDED_KEY_BAG:
                algorithm, data = items(expect(value, Tag.SEQUENCE, "EncryptedPrivateKeyInfo"), "key", 2, 2)
                ref = BagRef(KEY, len(self.keys), key_id, name, trusted, position, depth > 0)
                self.keys.append(KeyBag(encode(value), protection(algorithm), octets(data, "encrypted key")))
            elif bag_type == OID_CERT_BAG:
                kind, wrapped = items(expect(value, Tag.SEQUENCE, "CertBag"), "CertBag", 2, 2)
                certificate = items(expect(wrapped, Tag.CONTEXT_0, "certificate value"), "certificate", 1, 1)[0]
                cert_type = oid(kind, "certificate type")
                if cert_type == OID_X509_CERTIFICATE:
                    der = octets(certificate, "certificate")
                elif certificate.tag == Tag.OCTET_STRING and depth == 0:
                    der = certificate.value  # Java reads it as X.509 all the same; OpenSSL skips it
                else:
                    der = None
                    if depth == 0:
                        self.unreadable_certificates.append(
                            "a certificate bag of type %s, which Java reads as an X.509 certificate and fails on"
                            % cert_type
                        )
                if der is not None:
                    ref = BagRef(
                        CERTIFICATE, len(self.certificates), key_id, name, trusted, position, depth > 0, cert_type
                    )
                    self.certificates.append(der)
                    self.certificate_types.append(cert_type)
            elif bag_type == OID_SAFE_CONTENTS_BAG:
                if depth >= _MAX_NESTING:
                    raise Damaged("bags nested more than %d deep" % _MAX_NESTING)
                self._read_safe_contents(value, depth + 1)
            # CRL and secret bags, and bags of other types, are skipped, as OpenSSL and Java skip them
            if ref is not None:
                self.layout[-1].append(ref)

    # - the budget -
    @property
    def protections(self) -> list[tuple[str, Protection]]:
        """(where, protection) of every encrypted key and part."""
        found = [("key", key.protection) for key in self.keys if key.protection is not None]
        return found + [("certificate part", part.protection) for part in self.parts]

    @property
    def work(self) -> int:
        """Derivation rounds the whole file asks for (MAC and every encrypted item)."""
        mac = self.mac.iterations if self.mac else 0
        return mac + sum(protection.work for _where, protection in self.protections)

    def _check_budget(self, limit: int) -> None:
        protected = self.protections
        if len(protected) > MAX_PROTECTED:
            raise Unsupported(
                "it has %d encrypted parts and keys (limit %d; a certificate from e-Gestor AB has 2)"
                % (len(protected), MAX_PROTECTED)
            )
        counts = [("MAC", self.mac.iterations)] if self.mac else []
        counts += [(where, protection.iterations) for where, protection in protected]
        for where, count in counts:
            if count > MAX_ITERATIONS:
                raise Unsupported(
                    "its %s asks for %s key-derivation iterations (limit %s; exporters use 2,000 to 20,000)"
                    % (where, _number(count), _number(MAX_ITERATIONS))
                )
        if self.work > limit:
            raise Unsupported(
                "it asks for %s key-derivation rounds in all (limit %s; a certificate from e-Gestor AB needs "
                "about 10,000)" % (_number(self.work), _number(MAX_WORK))
            )

    # - for reports -
    @property
    def java_lacks(self) -> list[tuple[str, str]]:
        """(where, cipher) of every encrypted item Java 17 (PEC) cannot decrypt."""
        return [(where, p.name) for where, p in self.protections if not p.java_has]

    @property
    def legacy_algorithms(self) -> list[str]:
        return sorted({protection.name for _where, protection in self.protections if protection.legacy})

    def algorithms(self) -> dict:
        keys = sorted({key.protection.name if key.protection else "none (unencrypted key)" for key in self.keys})
        parts = sorted({part.protection.name for part in self.parts})
        if not parts and self.certificates:
            parts = ["none"]
        mac = mac_display_name(self.mac.hash_name) if self.mac else None
        legacy = self.legacy_algorithms
        return {
            "key_encryption": ", ".join(keys) if keys else None,
            "certificate_encryption": ", ".join(parts) if parts else None,
            "mac_algorithm": mac,
            "mac_iterations": self.mac.iterations if self.mac else None,
            "legacy": bool(legacy),
            "legacy_algorithms": legacy,
        }


# --- pieces of the schema --------------------------------------------------------------------------


def _content_info(node: Node, what: str) -> tuple[str, Node | None]:
    fields = items(expect(node, Tag.SEQUENCE, what), what, 1, 2)
    content_type = oid(fields[0], what + " type")
    if len(fields) == 1:
        return content_type, None
    return content_type, items(expect(fields[1], Tag.CONTEXT_0, what + " content"), what, 1, 1)[0]


def _encrypted_part(info: Node, content: Node) -> EncryptedPart:
    """An encryptedData part, re-encoded as DER with its encrypted content in one primitive [0]."""
    fields = items(expect(content, Tag.SEQUENCE, "EncryptedData"), "EncryptedData", 2, 3)
    if len(fields) == 3:
        expect(fields[2], Tag.CONTEXT_1, "EncryptedData unprotectedAttrs")
    version = fields[0]
    integer(version, "EncryptedData version")
    info_fields = list(items(expect(fields[1], Tag.SEQUENCE, "EncryptedContentInfo"), "EncryptedContentInfo", 2, 3))
    oid(info_fields[0], "encrypted content type")
    if len(info_fields) != 3:
        raise Damaged("an encrypted part without its encrypted content")
    body = info_fields[2]
    if body.tag == Tag.CONTEXT_0:  # BER: the content in OCTET STRING chunks
        ciphertext = b"".join(octets(chunk, "encrypted content") for chunk in items(body, "encrypted content"))
    elif body.tag == Tag.CONTEXT_0_PRIMITIVE:
        ciphertext = body.value
    else:
        raise Damaged("encrypted content: unexpected tag 0x%02x" % body.tag)
    info_fields[2] = Node(Tag.CONTEXT_0_PRIMITIVE, ciphertext)
    encrypted_data = encode(version) + encode_tlv(Tag.SEQUENCE, b"".join(map(encode, info_fields)))
    der = encode_tlv(
        Tag.SEQUENCE, encode(info.children[0]) + encode_tlv(Tag.CONTEXT_0, encode_tlv(Tag.SEQUENCE, encrypted_data))
    )
    return EncryptedPart(der, protection(info_fields[1]), ciphertext)


def _mac_data(node: Node) -> MacData:
    fields = items(expect(node, Tag.SEQUENCE, "MacData"), "MacData", 2, 3)
    algorithm, digest = items(expect(fields[0], Tag.SEQUENCE, "MAC DigestInfo"), "MAC DigestInfo", 2, 2)
    digest_oid = _algorithm(algorithm, "MAC algorithm")[0]
    digest = octets(digest, "MAC digest")
    salt = octets(fields[1], "MAC salt")
    iterations = integer(fields[2], "MAC iterations") if len(fields) == 3 else 1
    if iterations < 1:
        raise Damaged("MAC iteration count %d" % iterations)
    if digest_oid == OID_PBMAC1:
        raise Unsupported(
            "its integrity check is PBMAC1 (OpenSSL 3.4+ -pbmac1_pbkdf2), which Java 17 (PEC) cannot read"
        )
    hash_name = MAC_DIGESTS.get(digest_oid)
    if hash_name is None:
        raise Unsupported("its integrity check uses the digest %s, which PEC (Java) does not support" % digest_oid)
    if len(digest) != hashlib.new(hash_name).digest_size:
        raise Damaged("a %s MAC of %d bytes" % (mac_display_name(hash_name), len(digest)))
    return MacData(hash_name, digest, salt, iterations)


def mac_display_name(hash_name: str) -> str:
    """'sha256' -> 'SHA256', 'sha512_224' -> 'SHA512/224' (the names Java and the reports use)."""
    return hash_name.upper().replace("_", "/")


def _attributes(node: Node) -> tuple[bytes | None, str | None, bool]:
    """bagAttributes ::= SET OF SEQUENCE { attrId OID, attrValues SET OF ANY }, checked strictly.

    Returns what Java pairs a key with its certificate by: (localKeyID, friendlyName, trusted), each
    the first value Java takes.
    """
    key_id, name, trusted = None, None, False
    for attribute in items(expect(node, Tag.SET, "bag attributes"), "bag attributes"):
        attr_type, values = items(expect(attribute, Tag.SEQUENCE, "bag attribute"), "bag attribute", 2, 2)
        kind = oid(attr_type, "bag attribute type")
        values = items(expect(values, Tag.SET, "bag attribute values"), "bag attribute values")
        if kind in _TYPED_ATTRIBUTES:
            what = "friendlyName" if kind == OID_FRIENDLY_NAME else "localKeyID"
            if not values:
                raise Damaged("a %s attribute without a value" % what)
            for value in values:
                expect(value, _TYPED_ATTRIBUTES[kind], what)
            if kind == OID_LOCAL_KEY_ID:
                key_id = values[0].value
            else:
                name = values[0].value.decode("utf-16-be", "replace")
        elif kind == OID_JAVA_TRUSTED_KEY_USAGE:
            trusted = True
    return key_id, name, trusted


def _algorithm(node: Node, what: str) -> tuple[str, Node | None]:
    fields = items(expect(node, Tag.SEQUENCE, what), what, 1, 2)
    return oid(fields[0], what), (fields[1] if len(fields) == 2 else None)


def _count(node: Node, what: str) -> int:
    value = integer(node, what)
    if value < 1:
        raise Damaged("%s %d" % (what, value))
    return value


def protection(node: Node) -> Protection:
    """Read a PBE AlgorithmIdentifier (PKCS#12 PBE, PBES1 or PBES2) strictly."""
    algorithm, params = _algorithm(node, "encryption algorithm")
    if algorithm in _PKCS12_PBE or algorithm in _PBES1:
        if params is None:
            raise Damaged("%s without parameters" % algorithm)
        salt, count = items(expect(params, Tag.SEQUENCE, "PBE parameters"), "PBE parameters", 2, 2)
        octets(salt, "PBE salt")
        iterations = _count(count, "PBE iteration count")
        if algorithm in _PBES1:
            return Protection(_PBES1[algorithm], True, iterations, iterations, cipher=_PBES1[algorithm])
        name, key_size, iv_size, legacy = _PKCS12_PBE[algorithm]
        passes = -(-key_size // _SHA1_SIZE) + (1 if iv_size else 0)
        return Protection(name, legacy, iterations, iterations * passes, cipher=name)
    if algorithm != OID_PBES2:
        raise Unsupported("it is encrypted with an algorithm PEC does not know (%s)" % algorithm)
    if params is None:
        raise Damaged("PBES2 without parameters")
    kdf, scheme = items(expect(params, Tag.SEQUENCE, "PBES2 parameters"), "PBES2 parameters", 2, 2)
    kdf_oid, kdf_params = _algorithm(kdf, "PBES2 key derivation")
    if kdf_oid == _OID_SCRYPT:
        raise Unsupported("its key derivation is scrypt, which PEC (Java) does not support")
    if kdf_oid != OID_PBKDF2 or kdf_params is None:
        raise Damaged("PBES2 key derivation %s" % kdf_oid)
    fields = items(expect(kdf_params, Tag.SEQUENCE, "PBKDF2 parameters"), "PBKDF2 parameters", 2, 4)
    if fields[0].tag != Tag.OCTET_STRING:
        raise Unsupported("its PBKDF2 salt comes from another source, which PEC does not support")
    salt = fields[0].value
    iterations = _count(fields[1], "PBKDF2 iteration count")
    rest = list(fields[2:])
    key_length = _count(rest.pop(0), "PBKDF2 key length") if rest and rest[0].tag == Tag.INTEGER else None
    prf, prf_size = "SHA1", 20
    if rest:
        prf_oid, prf_params = _algorithm(rest.pop(0), "PBKDF2 PRF")
        if prf_params is not None and (prf_params.tag != Tag.NULL or prf_params.value):
            raise Damaged("PBKDF2 PRF parameters: expected NULL, found tag 0x%02x" % prf_params.tag)
        if prf_oid not in PBKDF2_PRFS:
            raise Unsupported("its PBKDF2 uses the PRF %s, which PEC does not support" % prf_oid)
        prf, prf_size = PBKDF2_PRFS[prf_oid]
    if rest:
        raise Damaged("PBKDF2 parameters: unexpected tag 0x%02x" % rest[0].tag)
    cipher_oid, cipher_params = _algorithm(scheme, "PBES2 cipher")
    if cipher_oid not in PBES2_CIPHERS:
        raise Unsupported("it is encrypted with a cipher PEC does not know (%s)" % cipher_oid)
    cipher, size, iv_size, legacy = PBES2_CIPHERS[cipher_oid]
    iv = _iv(cipher_oid, cipher_params, iv_size)
    if key_length is not None and key_length != size and cipher != "RC2-CBC":
        # OpenSSL refuses such a file; Java 17 ignores the field: the file is not what its exporter meant
        raise Damaged("its PBKDF2 key length, %d bytes, contradicts %s (%d bytes)" % (key_length, cipher, size))
    size = key_length or size
    if size > 64:
        raise Damaged("PBKDF2 key length %d" % size)
    passes = 2 * -(-size // prf_size)  # an HMAC is two hash passes per output block
    name = "PBES2 (PBKDF2-HMAC-%s, %d iterations, %s)" % (prf, iterations, cipher)
    params = PBES2(salt, iterations, size, prf, cipher_oid, iv)
    return Protection(name, legacy, iterations, iterations * passes, params, cipher)


def _iv(cipher_oid: str, params: Node | None, size: int) -> bytes:
    if params is not None and params.tag == Tag.SEQUENCE and cipher_oid == "1.2.840.113549.3.2":
        fields = items(params, "RC2 parameters", 1, 2)  # RC2-CBCParameter ::= SEQUENCE { version, iv }
        params = fields[-1]
    if params is None or params.tag != Tag.OCTET_STRING or len(params.value) != size:
        raise Damaged("cipher parameters: an IV of %d bytes is expected" % size)
    return params.value


def _number(value: int) -> str:
    return f"{value:,}"
