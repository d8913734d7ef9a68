# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which certificate Java pairs with the key, and which bags it reads (issue 22, classes 2 and 3).

Files from node-forge and crafted ones (``tests/support/bag_cases.py``); what Java 17 does with each is
checked by the judge in ``tests/integration/test_java_bags.py``.
"""

from __future__ import annotations

import os

import pytest

from ansible_collections.esus.pec.plugins.module_utils import _java_pairing as pairing
from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core
from tests.support import bag_cases, craft, forge


@pytest.fixture(scope="module")
def made(pki, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("bags")
    try:
        forge.installed()
    except forge.ForgeUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(str(error))
        pytest.skip(str(error))
    return {name: (case, bag_cases.write(name, case, folder)) for name, case in bag_cases.cases(pki).items()}


NAMES = [
    "forge-no-local-key-id",
    "forge-no-local-key-id-named",
    "forge-defaults",
    "no-id-certificates-first",
    "no-id-key-first",
    "no-id-key-first-ca-first",
    "id-on-key-only",
    "id-on-certificate-only",
    "different-ids",
    "id-repeated-on-ca-after-own",
    "id-repeated-on-ca-before-own",
    "id-on-another-key-certificate",
    "friendly-name-only",
    "id-and-name-then-ca-with-id",
    "nested-key-and-certificates",
    "nested-key",
    "nested-certificates",
    "sdsi-certificate-bag",
    "unknown-type-holding-x509",
    "unknown-type-holding-garbage",
    "two-keys-both-paired",
    "second-key-without-certificate",
    "plain-key-bag-beside",
    "second-key-without-local-key-id",
]
QUIRKY = ["%s-%s" % (whose, quirk) for quirk in craft.QUIRKS for whose in ("own", "ca")]
NAMES += QUIRKY


def test_every_case_is_listed(pki):
    assert sorted(NAMES) == sorted(bag_cases.cases(pki))


@pytest.mark.parametrize("name", NAMES)
def test_verdict_follows_java(made, name):
    case, path = made[name]
    report = core.validate(path.read_bytes(), bag_cases.PASSWORD, label=path.name)
    assert report["verdict"] == case.verdict, report["msg"]
    assert report["msg"].startswith(path.name + ": ") and case.words in report["msg"]
    if case.verdict != "ok":
        assert "Export" in report["msg"], "the message names the next step"
    wrong = core.validate(path.read_bytes(), "not-" + bag_cases.PASSWORD, label=path.name)
    assert wrong["verdict"] == "wrong_password", wrong["msg"]


@pytest.mark.parametrize("name", ["plain-key-bag-beside", "second-key-without-local-key-id"])
def test_a_key_java_ignores_is_a_note(made, name):
    _case, path = made[name]
    notes = core.validate(path.read_bytes(), bag_cases.PASSWORD, label=path.name)["notes"]
    assert len(notes) == 1 and "which Java (PEC) ignores" in notes[0], notes


@pytest.mark.parametrize("name", QUIRKY)
def test_certificates_java_reads_are_read_and_named(made, name):
    """Class 9: cryptography refuses these encodings, Java reads them: the file is judged, with a note."""
    _case, path = made[name]
    report = core.validate(path.read_bytes(), bag_cases.PASSWORD, label=path.name)
    assert report["certificate"]["cnpj"] == "12345678000195", "the fields are read from the repaired encoding"
    assert len(report["notes"]) == 1, report["notes"]
    whose = "municipality's" if name.startswith("own-") else "chain's"
    assert "the %s certificate" % whose in report["notes"][0] and "is not strict DER (" in report["notes"][0]
    if name.startswith("own-"):
        data = path.read_bytes()
        assert bytes.fromhex(report["certificate"]["fingerprint_sha256"].replace(":", "")) == _own_digest(data)


def _own_digest(data: bytes) -> bytes:
    """SHA-256 of the municipality's certificate as the file holds it (the fingerprint is of those bytes)."""
    import hashlib

    from ansible_collections.esus.pec.plugins.module_utils import _asn1, _pkcs12_decrypt, _pkcs12_envelope

    envelope = _pkcs12_envelope.Envelope(_asn1.parse(data))
    plain = _pkcs12_decrypt.pbes2_decrypt(
        envelope.parts[0].protection.pbes2, envelope.parts[0].ciphertext, bag_cases.PASSWORD
    )
    return hashlib.sha256(_pkcs12_envelope.Envelope.of_bags(plain, 10**6).certificates[0]).digest()


def test_java_pairing_rules_alone():
    """The rules on opaque items: the last localKeyID match unless one also has the alias; '01' by position."""
    bags = [
        pairing.Bag(pairing.KEY, "key", b"k", "rnds"),
        pairing.Bag(pairing.CERTIFICATE, "own", b"k", "RNDS", position=0),
        pairing.Bag(pairing.CERTIFICATE, "ca", b"k", None, position=1),
    ]
    assert pairing.key_entries(bags) == [pairing.Entry("key", "own", "rnds", "localKeyID")]
    bags[1] = bags[1]._replace(name=None)
    assert pairing.key_entries(bags)[0].certificate == "ca"
    first = [
        pairing.Bag(pairing.KEY, "key", None, None),
        pairing.Bag(pairing.CERTIFICATE, "own", None, None, position=0),
    ]
    assert pairing.key_entries(first)[0].certificate == "own"
    assert pairing.key_entries(first[::-1])[0].certificate is None  # the certificate read before any key
    trusted = [*first, pairing.Bag(pairing.CERTIFICATE, "t", None, "1", trusted=True)]
    assert pairing.key_entries(trusted) == [], "a trusted-certificate entry of the same alias replaces the key entry"
