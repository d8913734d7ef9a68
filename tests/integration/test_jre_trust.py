# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PEC's Java trust store, read by the look as Java reads it, and its handshakes judged by Java itself (issue 23,
item 3): stores made at test time by keytool (JKS, JCEKS, PKCS#12 with its certificates encrypted or not, a key
entry beside the trusted ones), a real TLS server on loopback that requires a client certificate as the RNDS does,
and tests/support/java/TrustJudge.java, Java's PKIX trust manager with the name checked, as the judge. A false green
(our handshake trusted where Java's fails) is the failure these tests exist for."""

from __future__ import annotations

import os
import shutil
import socket

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, NoEncryption, pkcs12

from ansible_collections.esus.pec.plugins.module_utils import host_probe, jre_trust
from tests.support import truststores
from tests.support.pki import Pki
from tests.support.tls import tls_server


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """The RNDS stand-in's CA, another CA, and stores made by keytool in every format."""
    if not truststores.keytool() or not shutil.which("java"):
        _missing("keytool and java (Debian: openjdk-17-jdk-headless) are needed for the trust store tests")
    folder = tmp_path_factory.mktemp("jre-trust")
    rnds = Pki(folder / "rnds", "AC RNDS TESTE")
    other = Pki(folder / "other", "AC OUTRA TESTE")
    stores = {
        "jks-trusted": ("JKS", {"outra": other.ca_cert, "rnds": rnds.ca_cert}, {"key_entry": True}),
        "jks-other": ("JKS", {"outra": other.ca_cert}, {"key_entry": True}),
        "jceks-trusted": ("JCEKS", {"rnds": rnds.ca_cert}, {}),
        "pkcs12-open": ("PKCS12", {"outra": other.ca_cert, "rnds": rnds.ca_cert}, {"password_less": True}),
        "pkcs12-encrypted": ("PKCS12", {"rnds": rnds.ca_cert}, {}),
    }
    paths = {}
    for name, (kind, cas, options) in stores.items():
        paths[name] = (truststores.keytool_store(folder / name, cas, kind, **options), kind)
    return {"rnds": rnds, "other": other, "stores": paths, "folder": folder}


def test_the_trusted_entries_are_those_java_counts(made):
    """Every keytool store: our anchors are Java's trusted certificate entries, the key entry's certificate not
    among them; a PKCS#12 whose certificates are encrypted cannot be read without its password, by us either."""
    for name, (path, kind) in made["stores"].items():
        java_entries, _said = truststores.java_says(path, kind, [])
        found = jre_trust.read_store(str(path))
        if name == "pkcs12-encrypted":
            assert found["error"] and "encrypted" in found["error"], found
            assert java_entries == 0, "Java reads no trusted certificate from it without the password either"
            continue
        assert found["error"] is None, (name, found["error"])
        assert len(found["anchors"]) == java_entries, (name, len(found["anchors"]), java_entries)
        der = {who: made[who].ca_cert.public_bytes(serialization.Encoding.DER) for who in ("rnds", "other")}
        expected = {
            "jks-trusted": {der["rnds"], der["other"]},
            "jks-other": {der["other"]},
            "jceks-trusted": {der["rnds"]},
            "pkcs12-open": {der["rnds"], der["other"]},
        }
        assert set(found["anchors"]) == expected[name], name


def test_pkcs12_stores_of_another_producer_read_as_java_counts_them(made, tmp_path):
    """cryptography's producers: a Java trust store (Oracle's trusted-key-usage attribute) with and without
    encryption, and a certificate-only PKCS#12 without that attribute, which Java does not trust."""
    ca = made["rnds"].ca_cert
    files = {
        "java-open.p12": pkcs12.serialize_java_truststore([pkcs12.PKCS12Certificate(ca, b"ac")], NoEncryption()),
        "java-encrypted.p12": pkcs12.serialize_java_truststore(
            [pkcs12.PKCS12Certificate(ca, b"ac")], BestAvailableEncryption(truststores.STOREPASS.encode())
        ),
        "plain.p12": pkcs12.serialize_key_and_certificates(None, None, None, [ca], NoEncryption()),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        found = jre_trust.read_store(str(tmp_path / name))
        java_entries, _said = truststores.java_says(tmp_path / name, "PKCS12", [])
        assert len(found["anchors"]) == java_entries, (name, found, java_entries)
        assert (found["error"] is not None) is (name == "java-encrypted.p12"), (name, found)


def test_this_machines_jdk_cacerts_reads_as_java_counts_it():
    """The real cacerts of the JDK here (a JKS of the public CAs, as PEC's bundled JRE 17 ships one)."""
    if not shutil.which("java"):
        _missing("java is needed")
    java_home = os.path.dirname(os.path.dirname(os.path.realpath(shutil.which("java"))))
    path = os.path.join(java_home, "lib", "security", "cacerts")
    if not os.path.exists(path):
        pytest.skip("no cacerts under %s" % java_home)
    found = jre_trust.read_store(path)
    java_entries, _said = truststores.java_says(os.path.realpath(path), found["format"] or "JKS", [])
    assert found["error"] is None and len(found["anchors"]) == java_entries > 50


def test_our_handshake_says_what_java_says(made):
    """One server (the RNDS stand-in: its certificate from the RNDS CA, a client certificate required) and each
    store: trusted exactly where Java's handshake succeeds; refused where Java says PKIX path building failed.
    The server's own certificate as the only entry is a trust anchor for Java, and for us."""
    rnds = made["rnds"]
    cases = dict(made["stores"])
    cases.pop("pkcs12-encrypted")
    expected = {"jks-trusted": True, "jks-other": False, "jceks-trusted": True, "pkcs12-open": True}
    for name, (path, kind) in cases.items():
        with tls_server(rnds) as url:
            port = int(url.split(":")[2].split("/")[0])
            endpoints = [{"host": "localhost", "port": port}, {"host": "127.0.0.1", "port": port}]
            ours = jre_trust.trust(str(path), endpoints, 10)
            _entries, java = truststores.java_says(path, kind, ["localhost:%d" % port, "127.0.0.1:%d" % port])
        for mine, theirs in zip(ours["endpoints"], java):
            assert mine["trusted"] is expected[name], (name, mine, theirs)
            assert theirs.startswith("OK") is expected[name], (name, mine, theirs)
            if not expected[name]:
                assert "PKIX" in theirs and mine["error"], (name, mine, theirs)


def test_the_servers_own_certificate_as_the_only_entry_is_an_anchor_for_both(made, tmp_path):
    """Java takes any trusted entry as a trust anchor, the server's own certificate too (a store made by hand
    with keytool -importcert of what the server sends): so do we (OpenSSL's partial-chain flag)."""
    rnds = made["rnds"]
    with tls_server(rnds, names=("localhost",), stem="leaf") as url:
        port = int(url.split(":")[2].split("/")[0])
        cert = x509.load_pem_x509_certificate((rnds.dir / "leaf.pem").read_bytes())
        store = truststores.keytool_store(tmp_path / "leaf.jks", {"servidor": cert}, "JKS")
        ours = jre_trust.trust(str(store), [{"host": "localhost", "port": port}], 10)
        _entries, java = truststores.java_says(store, "JKS", ["localhost:%d" % port])
    assert java[0].startswith("OK"), java
    assert ours["endpoints"][0]["trusted"] is True, ours


def test_a_name_the_certificate_does_not_carry_is_refused_by_both(made, tmp_path):
    """A chain Java trusts for a name that is not the one asked (a proxy's certificate for another name is the
    same case): Java's HTTPS name check refuses it, and so do we."""
    path, kind = made["stores"]["jks-trusted"]
    with tls_server(made["rnds"], names=("rnds.example",), stem="other-name") as url:
        port = int(url.split(":")[2].split("/")[0])
        ours = jre_trust.trust(str(path), [{"host": "127.0.0.1", "port": port}], 10)
        _entries, java = truststores.java_says(path, kind, ["127.0.0.1:%d" % port])
    assert ours["endpoints"][0]["trusted"] is False, ours
    assert java[0].startswith("FAIL"), java


def test_a_tls12_server_that_ends_the_handshake_for_a_client_certificate_still_tells_its_chain(made):
    """TLS 1.2 with a client certificate required, as the RNDS may: the server ends the handshake after ours (none
    is sent), yet our verification of its chain came before, and says the same as Java's (whose handshake fails
    too, for the client certificate, not for PKIX, when the chain is trusted)."""
    rnds = made["rnds"]
    for name, expected in (("jks-trusted", True), ("jks-other", False)):
        path, kind = made["stores"][name]
        with tls_server(rnds, tls12=True) as url:
            port = int(url.split(":")[2].split("/")[0])
            ours = jre_trust.trust(str(path), [{"host": "127.0.0.1", "port": port}], 10)
            _entries, java = truststores.java_says(path, kind, ["127.0.0.1:%d" % port])
        mine = ours["endpoints"][0]
        assert mine["trusted"] is expected, (name, mine, java)
        assert ("PKIX" in java[0]) is (not expected), (name, mine, java)
        if expected:
            assert "ended the handshake" in mine["error"] or "closed the connection" in mine["error"], mine


def test_the_look_checks_the_endpoints_it_reached_against_the_store(made, tmp_path):
    """host_probe.look with trust_store: only the endpoints the host reached are tried, each with the verdict."""
    rnds = made["rnds"]
    path, _kind = made["stores"]["jks-other"]
    root = tmp_path / "e-SUS" / "webserver"
    (root / "chaves").mkdir(parents=True)
    with tls_server(rnds) as url:
        port = int(url.split(":")[2].split("/")[0])
        with socket.create_server(("127.0.0.1", 0)) as spare:
            closed = spare.getsockname()[1]  # closed once the with ends: nothing listens there
        params = dict(
            host_probe.DEFAULTS,
            pec_root=str(root),
            pec_config="",
            fact_path="",
            endpoints=[{"host": "127.0.0.1", "port": port}, {"host": "127.0.0.1", "port": closed}],
            timeout=5,
            trust_store=str(path),
        )
        seen = host_probe.look(params)
    assert [r["reachable"] for r in seen["network"]] == [True, False]
    assert seen["trust"]["format"] == "JKS" and seen["trust"]["anchors"] == 1
    assert [(e["port"], e["trusted"]) for e in seen["trust"]["endpoints"]] == [(port, False)]
