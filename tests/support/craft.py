# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Crafted PKCS#12 files: bags, attributes and their order chosen by the test, where no exporter writes them.

Independent of the code under test: its own DER writer, PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, as OpenSSL 3
writes) and the RFC 7292 MAC from ``tests/pkcs12_repro/der.py``. A file is a list of parts, each a list of
bags, plain or encrypted:

    write([Part([cert_bag(own, key_id=b"1"), cert_bag(ca)], encrypted=True), Part([key_bag(key, key_id=b"1")])],
          password)
"""

from __future__ import annotations

import dataclasses
import os

from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from tests.pkcs12_repro import der

OID_KEY_BAG = "1.2.840.113549.1.12.10.1.1"
OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
OID_CERT_BAG = "1.2.840.113549.1.12.10.1.3"
OID_SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6"
OID_X509 = "1.2.840.113549.1.9.22.1"
OID_SDSI = "1.2.840.113549.1.9.22.2"
OID_FRIENDLY_NAME = "1.2.840.113549.1.9.20"
OID_LOCAL_KEY_ID = "1.2.840.113549.1.9.21"
ITERATIONS = 2048


def tlv(tag: int, body: bytes) -> bytes:
    return der.encode(tag, body)


def seq(*items: bytes) -> bytes:
    return tlv(0x30, b"".join(items))


def oid(dotted: str) -> bytes:
    return tlv(0x06, der.oid_bytes(dotted))


def octets(value: bytes) -> bytes:
    return tlv(0x04, value)


def explicit(body: bytes) -> bytes:
    return tlv(0xA0, body)


def attributes(key_id: bytes | None, name: str | None) -> bytes:
    found = []
    if name is not None:
        found.append(seq(oid(OID_FRIENDLY_NAME), tlv(0x31, tlv(0x1E, name.encode("utf-16-be")))))
    if key_id is not None:
        found.append(seq(oid(OID_LOCAL_KEY_ID), tlv(0x31, octets(key_id))))
    return tlv(0x31, b"".join(found)) if found else b""


def _pbes2(password: str, plain: bytes) -> tuple[bytes, bytes]:
    """(AlgorithmIdentifier, ciphertext): PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC."""
    salt, iv = os.urandom(8), os.urandom(16)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, ITERATIONS).derive(password.encode())
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    prf = seq(oid("1.2.840.113549.2.9"), b"\x05\x00")
    kdf = seq(oid("1.2.840.113549.1.5.12"), seq(octets(salt), der.int_node(ITERATIONS).enc(), prf))
    scheme = seq(oid("2.16.840.1.101.3.4.1.42"), octets(iv))
    return seq(oid("1.2.840.113549.1.5.13"), seq(kdf, scheme)), ciphertext


@dataclasses.dataclass
class Bag:
    """One SafeBag; ``value`` is the DER inside its [0], written at ``write`` time for keys (they need the password)."""

    bag_type: str
    value: bytes = b""
    key: object = None  # a private key, for key bags
    key_id: bytes | None = None
    name: str | None = None
    children: list[Bag] = dataclasses.field(default_factory=list)  # for a safeContentsBag

    def encode(self, password: str) -> bytes:
        value = self.value
        if self.bag_type in (OID_KEY_BAG, OID_SHROUDED_KEY_BAG):
            plain = self.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            if self.bag_type == OID_KEY_BAG:
                value = plain
            else:
                algorithm, ciphertext = _pbes2(password, plain)
                value = seq(algorithm, octets(ciphertext))
        elif self.bag_type == OID_SAFE_CONTENTS_BAG:
            value = seq(*(child.encode(password) for child in self.children))
        return seq(oid(self.bag_type), explicit(value), attributes(self.key_id, self.name))


def key_bag(key, key_id: bytes | None = None, name: str | None = None, *, shrouded: bool = True) -> Bag:
    return Bag(OID_SHROUDED_KEY_BAG if shrouded else OID_KEY_BAG, key=key, key_id=key_id, name=name)


def cert_bag(certificate, key_id: bytes | None = None, name: str | None = None, cert_type: str = OID_X509) -> Bag:
    data = certificate if isinstance(certificate, bytes) else certificate.public_bytes(serialization.Encoding.DER)
    value = tlv(0x16, b"sdsi certificate") if cert_type == OID_SDSI else octets(data)
    return Bag(OID_CERT_BAG, seq(oid(cert_type), explicit(value)), key_id=key_id, name=name)


def nested_bag(*children: Bag) -> Bag:
    return Bag(OID_SAFE_CONTENTS_BAG, children=list(children))


@dataclasses.dataclass
class Part:
    bags: list[Bag]
    encrypted: bool = False


def write(parts: list[Part], password: str) -> bytes:
    """A PFX of these parts, in order, with a SHA-256 MAC keyed by the password."""
    infos = []
    for part in parts:
        contents = seq(*(bag.encode(password) for bag in part.bags))
        if part.encrypted:
            algorithm, ciphertext = _pbes2(password, contents)
            encrypted = seq(der.int_node(0).enc(), seq(oid("1.2.840.113549.1.7.1"), algorithm, tlv(0x80, ciphertext)))
            infos.append(seq(oid("1.2.840.113549.1.7.6"), explicit(encrypted)))
        else:
            infos.append(seq(oid("1.2.840.113549.1.7.1"), explicit(octets(contents))))
    auth_safe = seq(*infos)
    salt = os.urandom(8)
    digest = der.mac(auth_safe, password, salt, ITERATIONS, "sha256")
    mac_data = seq(
        seq(seq(oid("2.16.840.1.101.3.4.2.1"), b"\x05\x00"), octets(digest)),
        octets(salt),
        der.int_node(ITERATIONS).enc(),
    )
    return seq(der.int_node(3).enc(), seq(oid("1.2.840.113549.1.7.1"), explicit(octets(auth_safe))), mac_data)


# --- certificates cryptography will not parse but Java uses (issue 22, class 9) ---------------------

QUIRKS = (
    "critical-false",
    "boolean-true-01",
    "generalized-fraction",
    "utctime-no-seconds",
    "explicit-v1",
    "t61-latin1",
    "ber-lengths",
)


def quirky_certificate(certificate, issuer_key, quirk: str) -> bytes:
    """The certificate's DER with one non-DER encoding Java accepts, signed again by issuer_key."""
    from cryptography.hazmat.primitives.asymmetric import ec

    root = der.parse(certificate.public_bytes(serialization.Encoding.DER))
    tbs = root.children[0]
    fields = tbs.children
    base = 1 if fields[0].tag == 0xA0 else 0
    validity, subject = fields[base + 3], fields[base + 4]
    if quirk == "explicit-v1":
        if base:
            fields.pop(0)
        while fields[-1].tag in (0xA1, 0xA2, 0xA3):
            fields.pop()  # v1 has no extensions
        fields.insert(0, der.Node(0xA0, children=[der.int_node(0)]))
    elif quirk in ("critical-false", "boolean-true-01"):
        extensions = fields[-1].children[0].children
        if quirk == "critical-false":  # on the first extension that is not critical
            extension = next(e for e in extensions if len(e.children) == 2)
            extension.children.insert(1, der.Node(0x01, value=b"\x00"))
        else:  # the first critical flag written 0x01, or the first extension made critical so
            critical = [e for e in extensions if len(e.children) == 3]
            if critical:
                critical[0].children[1] = der.Node(0x01, value=b"\x01")
            else:
                extensions[0].children.insert(1, der.Node(0x01, value=b"\x01"))
    elif quirk == "generalized-fraction":
        moment = validity.children[1]
        text = moment.value.decode()
        year = ("20" + text[:2]) if moment.tag == 0x17 else text[:4]
        rest = text[2:-1] if moment.tag == 0x17 else text[4:-1]
        validity.children[1] = der.Node(0x18, value=(year + rest + ".123Z").encode())
    elif quirk == "utctime-no-seconds":
        moment = validity.children[0]
        assert moment.tag == 0x17
        validity.children[0] = der.Node(0x17, value=moment.value[:10] + b"Z")
    elif quirk == "t61-latin1":
        for rdn in subject.children:
            attribute = rdn.children[0]
            if attribute.children[0].oid() == "2.5.4.3":
                attribute.children[1] = der.Node(0x14, value="PREFEITURA DE SÃO JOSÉ".encode("latin-1"))
    elif quirk != "ber-lengths":
        raise ValueError(quirk)
    body = tbs.enc()
    if isinstance(issuer_key, ec.EllipticCurvePrivateKey):
        signature = issuer_key.sign(body, ec.ECDSA(hashes.SHA256()))
    else:
        from cryptography.hazmat.primitives.asymmetric import padding as asymmetric_padding

        signature = issuer_key.sign(body, asymmetric_padding.PKCS1v15(), hashes.SHA256())
    root.children[2] = der.Node(0x03, value=b"\x00" + signature)
    if quirk == "ber-lengths":  # every constructed element with an indefinite length, as BER allows
        return root.enc(
            lambda node, body: (
                bytes([node.tag, 0x80]) + body + b"\0\0" if node.children is not None else der.standard(node, body)
            )
        )
    return root.enc()
