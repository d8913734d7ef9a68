# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Files where which certificate Java pairs with the key, or which bags Java reads, decides (issue 22,
classes 2 and 3), each with what the Java judge answers and the verdict we give.

Made at test time: node-forge (``toPkcs12Asn1`` without localKeyID) where a real exporter writes such a file,
``tests/support/craft.py`` for the bag orders, attributes and bag types no exporter writes. The Java class of
each case was seen with the judge (``tests/integration/test_java_bags.py`` checks it on every run).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.support import craft, forge
from tests.support.pki import Pki

PASSWORD = "Senha-pares-22"


@dataclasses.dataclass(frozen=True)
class Case:
    parts: object  # list of craft.Part, or a callable giving the bytes (real producers)
    java: str  # the judge's class
    verdict: str  # ours
    words: str = ""  # in our message
    decision: bool = False  # a documented decision where we refuse what Java uses (docs/verdicts.md)


def cases(pki: Pki) -> dict[str, Case]:
    key, own = pki.leaf(key=pki.key("ec"))
    other_key, other = pki.leaf(key=pki.key("ec", "other"), name="OUTRO")
    ca = pki.ca_cert
    cert, part, nested = craft.cert_bag, craft.Part, craft.nested_bag

    def mine(**attributes) -> craft.Bag:
        return craft.key_bag(key, **attributes)

    def paired(*bags: craft.Bag) -> list:
        """The key (localKeyID k1) in a plain part after an encrypted part with these certificates."""
        return [part(list(bags), True), part([mine(key_id=b"k1")])]

    def node_forge(**options):
        return lambda: _forge(options)

    no_cert = "pairs the private key with none of"
    another = "not the key's own"
    quirky = {}
    for quirk in craft.QUIRKS:
        # class 9: the municipality's certificate, or only the CA's, in an encoding Java reads
        mine_quirky = craft.quirky_certificate(own, pki.ca_key, quirk)
        ca_quirky = craft.quirky_certificate(ca, pki.ca_key, quirk)
        quirky["own-" + quirk] = Case(paired(cert(mine_quirky, key_id=b"k1"), cert(ca)), "usable", "ok")
        quirky["ca-" + quirk] = Case(paired(cert(own, key_id=b"k1"), cert(ca_quirky)), "usable", "ok")
    return quirky | {
        # class 2: Java pairs by localKeyID, then friendlyName, never by public key; "01" depends on bag order
        "forge-no-local-key-id": Case(
            node_forge(generateLocalKeyId=False, algorithm="aes256"), "no_chain", "key_mismatch", no_cert
        ),
        "forge-no-local-key-id-named": Case(
            node_forge(generateLocalKeyId=False, friendlyName="rnds", algorithm="3des"), "usable", "ok"
        ),
        "forge-defaults": Case(node_forge(algorithm="aes128"), "usable", "ok"),
        "no-id-certificates-first": Case(
            [part([cert(own), cert(ca)], True), part([mine()])], "no_chain", "key_mismatch", no_cert
        ),
        "no-id-key-first": Case([part([mine()]), part([cert(own), cert(ca)], True)], "usable", "ok"),
        "no-id-key-first-ca-first": Case(
            [part([mine()]), part([cert(ca), cert(own)], True)], "sign_failed", "key_mismatch", another
        ),
        "id-on-key-only": Case(
            [part([mine(key_id=b"k1")]), part([cert(own), cert(ca)], True)], "no_chain", "key_mismatch", no_cert
        ),
        "id-on-certificate-only": Case(
            [part([cert(own, key_id=b"k1"), cert(ca)], True), part([mine()])], "no_chain", "key_mismatch", no_cert
        ),
        "different-ids": Case(paired(cert(own, key_id=b"k2"), cert(ca)), "no_chain", "key_mismatch", no_cert),
        "id-repeated-on-ca-after-own": Case(
            paired(cert(own, key_id=b"k1"), cert(ca, key_id=b"k1")), "sign_failed", "key_mismatch", another
        ),
        "id-repeated-on-ca-before-own": Case(paired(cert(ca, key_id=b"k1"), cert(own, key_id=b"k1")), "usable", "ok"),
        "id-on-another-key-certificate": Case(
            paired(cert(other, key_id=b"k1"), cert(own), cert(ca)), "sign_failed", "key_mismatch", another
        ),
        "friendly-name-only": Case(
            [part([cert(own, name="RNDS"), cert(ca)], True), part([mine(name="rnds")])], "usable", "ok"
        ),
        "id-and-name-then-ca-with-id": Case(
            [
                part([cert(own, key_id=b"k1", name="rnds"), cert(ca, key_id=b"k1")], True),
                part([mine(key_id=b"k1", name="rnds")]),
            ],
            "usable",
            "ok",
        ),
        # class 3: bags Java skips (safeContentsBag) or fails on (a certBag that is not X.509)
        "nested-key-and-certificates": Case(
            [part([nested(mine(key_id=b"k1"), cert(own, key_id=b"k1"), cert(ca))], True)],
            "no_key_entry",
            "no_private_key",
            "inside a nested bag",
        ),
        "nested-key": Case(
            [part([cert(own, key_id=b"k1"), cert(ca)], True), part([nested(mine(key_id=b"k1"))])],
            "no_key_entry",
            "no_private_key",
            "inside a nested bag",
        ),
        "nested-certificates": Case(
            paired(nested(cert(own, key_id=b"k1"), cert(ca))), "no_chain", "key_mismatch", no_cert
        ),
        "sdsi-certificate-bag": Case(
            paired(cert(own, key_id=b"k1"), cert(ca), cert(ca, cert_type=craft.OID_SDSI)),
            "load_password",
            "unsupported_encryption",
            "type 1.2.840.113549.1.9.22.2",
        ),
        "unknown-type-holding-x509": Case(
            paired(cert(own, key_id=b"k1"), cert(ca, cert_type="1.2.3.4")), "usable", "ok"
        ),
        "unknown-type-holding-garbage": Case(
            paired(cert(own, key_id=b"k1"), cert(b"\x30\x03\x02\x01\x01", cert_type="1.2.3.4")),
            "load_password",
            "unsupported_encryption",
            "not an X.509 certificate",
        ),
        # decisions (docs/verdicts.md): two key entries are refused; a key Java skips is a note
        "two-keys-both-paired": Case(
            [
                part([cert(own, key_id=b"k1"), cert(other, key_id=b"k2"), cert(ca)], True),
                part([mine(key_id=b"k1", name="a"), craft.key_bag(other_key, key_id=b"k2", name="b")]),
            ],
            "usable",
            "key_mismatch",
            "2 private keys",
            decision=True,
        ),
        "second-key-without-certificate": Case(
            [
                part([cert(own, key_id=b"k1"), cert(ca)], True),
                part([mine(key_id=b"k1"), craft.key_bag(other_key, key_id=b"k9")]),
            ],
            "usable",
            "key_mismatch",
            "2 private keys",
            decision=True,
        ),
        "plain-key-bag-beside": Case(
            [
                part([cert(own, key_id=b"k1"), cert(ca)], True),
                part([mine(key_id=b"k1"), craft.key_bag(other_key, key_id=b"k2", shrouded=False)]),
            ],
            "usable",
            "ok",
        ),
        "second-key-without-local-key-id": Case(
            [part([cert(own, key_id=b"k1"), cert(ca)], True), part([mine(key_id=b"k1"), craft.key_bag(other_key)])],
            "usable",
            "ok",
        ),
    }


def _forge(options: dict) -> bytes:
    key, certificate, ca = forge.rsa_chain()
    return forge.pkcs12(key, [certificate, ca], PASSWORD, **options)


def write(name: str, case: Case, folder: Path) -> Path:
    data = case.parts() if callable(case.parts) else craft.write(case.parts, PASSWORD)
    path = folder / ("%s.p12" % name)
    path.write_bytes(data)
    return path
