# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The MacData of a PKCS#12 (RFC 7292): the password MAC's digest, salt and iteration count, read strictly.

Private to the collection: no stability promise outside esus.pec. ``_pkcs12_mac`` checks the MAC itself.
Standard library only.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._asn1 import Node, Tag, expect, integer, items, octets
    from ansible_collections.esus.pec.plugins.module_utils._pkcs12_schema import (
        Damaged,
        Unsupported,
        algorithm_identifier,
    )
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _asn1 import Node, Tag, expect, integer, items, octets
    from _pkcs12_schema import Damaged, Unsupported, algorithm_identifier

OID_PBMAC1 = "1.2.840.113549.1.5.14"
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


class MacData(NamedTuple):
    hash_name: str
    digest: bytes
    salt: bytes
    iterations: int


def mac_data(node: Node) -> MacData:
    fields = items(expect(node, Tag.SEQUENCE, "MacData"), "MacData", 2, 3)
    algorithm, digest = items(expect(fields[0], Tag.SEQUENCE, "MAC DigestInfo"), "MAC DigestInfo", 2, 2)
    digest_oid = algorithm_identifier(algorithm, "MAC algorithm")[0]
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
