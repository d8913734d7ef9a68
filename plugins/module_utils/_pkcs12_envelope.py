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
How each encrypted part or key is protected is read by ``_pkcs12_protection``, the MAC's parameters by
``_pkcs12_mac_data``. Standard library only.
"""

from __future__ import annotations

from typing import NamedTuple

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._asn1 import (
        Asn1Error,
        Asn1TooLarge,
        Node,
        Tag,
        encode,
        expect,
        integer,
        items,
        octets,
        oid,
        parse,
        parse_prefix,
    )
    from ansible_collections.esus.pec.plugins.module_utils._java_pairing import CERTIFICATE, KEY, PLAIN_KEY
    from ansible_collections.esus.pec.plugins.module_utils._pkcs12_mac_data import MacData, mac_data, mac_display_name
    from ansible_collections.esus.pec.plugins.module_utils._pkcs12_protection import (
        EncryptedPart,
        Protection,
        encrypted_part,
        protection,
    )
    from ansible_collections.esus.pec.plugins.module_utils._pkcs12_schema import Damaged, Unsupported
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _asn1 import (
        Asn1Error,
        Asn1TooLarge,
        Node,
        Tag,
        encode,
        expect,
        integer,
        items,
        octets,
        oid,
        parse,
        parse_prefix,
    )
    from _java_pairing import CERTIFICATE, KEY, PLAIN_KEY
    from _pkcs12_mac_data import MacData, mac_data, mac_display_name
    from _pkcs12_protection import EncryptedPart, Protection, encrypted_part, protection
    from _pkcs12_schema import Damaged, Unsupported

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
# Bag attributes whose value type OpenSSL and Java insist on when they load the file
_TYPED_ATTRIBUTES = {
    OID_FRIENDLY_NAME: Tag.BMP_STRING,
    OID_LOCAL_KEY_ID: Tag.OCTET_STRING,
}


class KeyBag(NamedTuple):
    der: bytes  # PrivateKeyInfo, or EncryptedPrivateKeyInfo when protection is set
    protection: Protection | None
    ciphertext: bytes = b""  # the encrypted PrivateKeyInfo


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
            self.mac = mac_data(parts[2])
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
            self.parts.append(encrypted_part(info, content))
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


def _number(value: int) -> str:
    return f"{value:,}"
