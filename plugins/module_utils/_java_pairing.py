# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which certificate Java's PKCS12 KeyStore (what PEC opens the file with) pairs each private key with.

Private to the collection: no stability promise outside esus.pec.

Java never pairs by public key. It reads the bags in file order (``PKCS12KeyStore.loadSafeContents``,
JDK 8 to 21 alike) and then, for each key, takes the certificate with the key's ``localKeyID`` (the
last one, unless one also has the key's ``friendlyName``), else one with its ``friendlyName``
(``findMatchedCertificate``). A key without ``localKeyID`` gets the id "01" only while it is the first
key read, and a certificate without one gets "01" only if a key was read before it and it is the first
bag of its SafeContents: so bag order matters. Plain KeyBags and everything inside a safeContentsBag are
skipped. A later entry with the same alias (friendlyName, case-insensitive) replaces an earlier one.
Standard library only: keys and certificates are opaque items here.
"""

from __future__ import annotations

from typing import NamedTuple

JAVA_KEYSTORE_MAGIC = {b"\xfe\xed\xfe\xed": "JKS", b"\xce\xce\xce\xce": "JCEKS"}  # Java's own keystore formats
KEY = "key"  # pkcs8ShroudedKeyBag: the only key bag Java reads
PLAIN_KEY = "plain key"  # keyBag: Java skips it
CERTIFICATE = "certificate"
_FIRST_KEY_ID = b"01"  # Java's stand-in localKeyID ("01".getBytes(UTF_8))


class Bag(NamedTuple):
    """A key or certificate bag, in file order, with what Java reads of it."""

    kind: str  # KEY, PLAIN_KEY or CERTIFICATE
    item: object  # the key or the certificate
    key_id: bytes | None  # localKeyID
    name: str | None  # friendlyName
    trusted: bool = False  # Java's trusted-certificate attribute: a certificate entry of its own
    position: int = -1  # index in its SafeContents (-1: not known)
    nested: bool = False  # inside a safeContentsBag


class Entry(NamedTuple):
    """A private-key entry as Java shows it: the key, the certificate Java puts first in its chain."""

    key: object
    certificate: object | None
    alias: str
    by: str  # how Java found the certificate: "localKeyID", "friendlyName", or "" (none)


def key_entries(bags: list[Bag]) -> list[Entry]:
    """The private-key entries Java makes of these bags, each with the certificate it pairs the key with."""
    private_keys = 0
    unnamed = 0
    keys: list[tuple[object, bytes, str]] = []
    by_alias: dict[str, int | None] = {}  # lower-case alias -> index in keys (None: a certificate entry)
    certificates: list[tuple[object, bytes | None, str | None]] = []
    for bag in bags:
        if bag.nested or bag.kind == PLAIN_KEY:
            continue
        key_id = bag.key_id
        if bag.kind == KEY:
            private_keys += 1
            if key_id is None:
                if private_keys != 1:
                    continue  # Java drops a second key without localKeyID entirely
                key_id = _FIRST_KEY_ID
            alias = bag.name
            if alias is None:
                unnamed += 1
                alias = str(unnamed)
            keys.append((bag.item, key_id, alias))
            by_alias[alias.lower()] = len(keys) - 1
            continue
        if key_id is None and private_keys == 1 and bag.position == 0:
            key_id = _FIRST_KEY_ID
        if bag.trusted:
            alias = bag.name
            if alias is None:
                unnamed += 1
                alias = str(unnamed)
            by_alias[alias.lower()] = None
        else:
            certificates.append((bag.item, key_id, bag.name))
    visible = sorted(index for index in by_alias.values() if index is not None)
    return [_paired(*keys[index], certificates) for index in visible]


def _paired(key: object, key_id: bytes, alias: str, certificates: list) -> Entry:
    """Java's findMatchedCertificate: localKeyID first (the last match, or one with the alias too)."""
    by_id = by_name = None
    for certificate, certificate_id, name in certificates:
        same_name = name is not None and name.lower() == alias.lower()
        if certificate_id is not None and certificate_id == key_id:
            if same_name:
                return Entry(key, certificate, alias, "localKeyID")
            by_id = certificate
        elif same_name:
            by_name = certificate
    if by_id is not None:
        return Entry(key, by_id, alias, "localKeyID")
    if by_name is not None:
        return Entry(key, by_name, alias, "friendlyName")
    return Entry(key, None, alias, "")
