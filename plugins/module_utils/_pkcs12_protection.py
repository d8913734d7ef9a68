# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How an encrypted part or key of a PKCS#12 is protected (PKCS#12 PBE, PBES1 or PBES2), read strictly from
its AlgorithmIdentifier without the password, with the key-derivation work it asks for; and the encrypted
parts themselves.

Private to the collection: no stability promise outside esus.pec. Standard library only.
"""

from __future__ import annotations

from typing import NamedTuple

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._asn1 import (
        Node,
        Tag,
        encode,
        encode_tlv,
        expect,
        integer,
        items,
        octets,
        oid,
    )
    from ansible_collections.esus.pec.plugins.module_utils._pkcs12_schema import (
        Damaged,
        Unsupported,
        algorithm_identifier,
    )
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _asn1 import Node, Tag, encode, encode_tlv, expect, integer, items, octets, oid
    from _pkcs12_schema import Damaged, Unsupported, algorithm_identifier

OID_PBES2 = "1.2.840.113549.1.5.13"
OID_PBKDF2 = "1.2.840.113549.1.5.12"
_OID_SCRYPT = "1.3.6.1.4.1.11591.4.11"


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


class EncryptedPart(NamedTuple):
    der: bytes  # the whole encryptedData ContentInfo, as DER
    protection: Protection
    ciphertext: bytes  # the encrypted SafeContents


def encrypted_part(info: Node, content: Node) -> EncryptedPart:
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


def _count(node: Node, what: str) -> int:
    value = integer(node, what)
    if value < 1:
        raise Damaged("%s %d" % (what, value))
    return value


def protection(node: Node) -> Protection:
    """Read a PBE AlgorithmIdentifier (PKCS#12 PBE, PBES1 or PBES2) strictly."""
    algorithm, params = algorithm_identifier(node, "encryption algorithm")
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
    kdf_oid, kdf_params = algorithm_identifier(kdf, "PBES2 key derivation")
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
        prf_oid, prf_params = algorithm_identifier(rest.pop(0), "PBKDF2 PRF")
        if prf_params is not None and (prf_params.tag != Tag.NULL or prf_params.value):
            raise Damaged("PBKDF2 PRF parameters: expected NULL, found tag 0x%02x" % prf_params.tag)
        if prf_oid not in PBKDF2_PRFS:
            raise Unsupported("its PBKDF2 uses the PRF %s, which PEC does not support" % prf_oid)
        prf, prf_size = PBKDF2_PRFS[prf_oid]
    if rest:
        raise Damaged("PBKDF2 parameters: unexpected tag 0x%02x" % rest[0].tag)
    cipher_oid, cipher_params = algorithm_identifier(scheme, "PBES2 cipher")
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
