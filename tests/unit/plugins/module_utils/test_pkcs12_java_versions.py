# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""validate(java=...): a file judged by what the host's Java opens (issue 22, "The Java the host runs").

The rule sets come from the OpenJDK sources (plugins/module_utils/_java_rules.py, docs/verdicts.md); no
Java 8 or 11 runtime is installable from Debian 12, PyPI or npm here, so these tests check the rules on
files from the openssl CLI, and the Java 17 rules stay checked by the Java judge.
"""

from __future__ import annotations

import pytest

from ansible_collections.esus.pec.plugins.module_utils import _java_rules as rules
from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core
from tests.integration.test_pkcs12_java import PASSWORD, Producers


@pytest.fixture(scope="module")
def make(pki) -> Producers:
    return Producers(pki)


@pytest.mark.parametrize(
    "given, expected",
    [
        (None, "17"),
        ("", "17"),
        ("17", "17"),
        ("17.0.10-linux_x64", "17"),
        ("21.0.2", "17"),
        ("80", "17"),
        ("11", "11"),
        ("11.0.12", "11"),
        ("11.0.20.1", "11"),
        ("11.0.11", "11.0.11"),
        ("11.0.2", "11.0.11"),
        ("8", "8"),
        ("8u292", "8"),
        ("1.8.0_292", "8"),
        ("8u301", "8u301"),
        ("1.8.0_402-linux_x64", "8u301"),
    ],
)
def test_version_strings(given, expected):
    assert rules.rules_for(given).name == expected


@pytest.mark.parametrize("given", ["7", "9.0.4", "banana", "6u45"])
def test_unknown_versions(given):
    assert rules.rules_for(given) is None


def verdict(path, java, password=PASSWORD) -> dict:
    return core.validate(path.read_bytes(), password, label=path.name, java=java)


@pytest.mark.parametrize("java", ["17", "11", "8u301", "11.0.11", "8"])
def test_openssl3_defaults_by_java(make, java):
    """AES-256 and a SHA-256 MAC: Java 8 before 8u301 and 11 before 11.0.12 lack HmacPBESHA256 (JDK-8267701)."""
    path = make.openssl("defaults.p12")
    report = verdict(path, java)
    assert report["java"]["rules"] == java
    if java in ("17", "11", "8u301"):
        assert report["verdict"] == "ok", report["msg"]
        return
    assert report["verdict"] == "unsupported_encryption", report["msg"]
    msg = report["msg"]
    assert msg.startswith("defaults.p12: the password is right, but its integrity code (MAC) is HMAC-SHA256")
    assert "JDK-8267701" in msg and "-macalg sha1" in msg and "update PEC" in msg
    assert "OpenSSL 3 defaults" not in msg, "advice this Java cannot open"
    if java == "8":
        assert "certificates are encrypted with PBES2 (AES)" in msg
    assert verdict(path, java, "not-" + PASSWORD)["verdict"] == "wrong_password"


@pytest.mark.parametrize("java", ["8", "11.0.11", "8u301", "17"])
@pytest.mark.parametrize(
    "options",
    [
        ("-legacy",),  # RC2-40 certificates, 3DES key, SHA-1 MAC
        ("-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"),  # the advice for old Java
    ],
    ids=["legacy", "advice"],
)
def test_what_old_java_opens_is_ok_everywhere(make, java, options):
    report = verdict(make.openssl("old-%s.p12" % options[-1], *options), java)
    assert report["verdict"] == "ok", report["msg"]


def test_aes_with_sha1_mac_needs_8u301(make):
    """A SHA-1 MAC but PBES2 certificates: Java 8 before 8u301 cannot decrypt the part; 11.0.11 can."""
    path = make.openssl("aes-sha1.p12", "-macalg", "sha1")
    assert verdict(path, "8")["verdict"] == "unsupported_encryption"
    assert "PBES2 (AES)" in verdict(path, "8")["msg"]
    for java in ("8u301", "11.0.11", "17"):
        assert verdict(path, java)["verdict"] == "ok", java


def test_cipher_advice_follows_the_java(make):
    path = make.openssl("aes192.p12", "-keypbe", "AES-192-CBC", "-macalg", "sha1", "-certpbe", "PBE-SHA1-3DES")
    old = verdict(path, "8")
    assert old["verdict"] == "unsupported_encryption" and "Java 8 before 8u301 does not have" in old["msg"]
    assert "PBE-SHA1-3DES" in old["msg"] and "OpenSSL 3 defaults" not in old["msg"]
    new = verdict(path, "17")
    assert "Java 17 does not have" in new["msg"] and "AES-256" in new["msg"]


def test_unknown_java_is_judged_as_17_and_said(make):
    report = verdict(make.openssl("unknown.p12"), "9.0.4")
    assert report["verdict"] == "ok" and report["java"] == {"rules": "17", "label": "Java 17", "given": "9.0.4"}
    assert "the Java version '9.0.4' is not one this check knows" in report["notes"][0]
