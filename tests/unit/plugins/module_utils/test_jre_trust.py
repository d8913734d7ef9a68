# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The trust store reader on hostile bytes: a verdict or a StoreError, never another exception, in bounded time.

The stores themselves are made by Java's keytool and judged by Java in tests/integration/test_jre_trust.py; here
the bytes are cut and corrupted from a JKS laid out by hand as Java writes one (trusted entries, a key entry) and
from a password-less PKCS#12 trust store made by cryptography's ``serialize_java_truststore``, so the unit suite
(which runs without a JDK in the matrix) holds the bounds.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import struct
import threading
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from ansible_collections.esus.pec.plugins.module_utils import jre_trust
from tests.support.pki import Pki
from tests.support.truststores import jks, utf

CA = b"\x30\x03\x02\x01\x01"  # the reader keeps DER bytes as they are; OpenSSL judges them in the handshake
OWN = b"\x30\x03\x02\x01\x02"


def test_trusted_entries_are_anchors_and_a_key_entrys_chain_is_not():
    anchors, kind = jre_trust.trust_anchors(jks([CA], key_chain=[OWN, CA]))
    assert (anchors, kind) == ([CA], "JKS")
    anchors, _kind = jre_trust.trust_anchors(jks([CA, OWN], version=1))
    assert anchors == [CA, OWN]


def java_truststore(tmp_path) -> tuple:
    """(a password-less PKCS#12 trust store as JDK 18+ writes cacerts, by cryptography's own producer, its CA)."""
    pki = Pki(tmp_path)
    store = pkcs12.serialize_java_truststore(
        [pkcs12.PKCS12Certificate(pki.ca_cert, b"ac teste")], serialization.NoEncryption()
    )
    return store, pki.ca_cert.public_bytes(serialization.Encoding.DER)


def test_a_password_less_pkcs12_store_gives_its_trusted_certificates(tmp_path):
    store, der = java_truststore(tmp_path)
    assert jre_trust.trust_anchors(store) == ([der], "PKCS12")
    # a certificate bag without Java's trusted-key-usage attribute (a key's certificate) is no anchor
    plain = pkcs12.serialize_key_and_certificates(
        None, None, None, [Pki(tmp_path / "b").ca_cert], serialization.NoEncryption()
    )
    assert jre_trust.trust_anchors(plain) == ([], "PKCS12")


@pytest.mark.parametrize("kind", ["jks", "pkcs12"])
def test_every_cut_and_every_flipped_byte_gives_a_verdict_not_an_exception(kind, tmp_path):
    whole = jks([CA, OWN], key_chain=[OWN]) if kind == "jks" else java_truststore(tmp_path)[0]
    for size in range(len(whole)):
        with contextlib.suppress(jre_trust.StoreError):
            jre_trust.trust_anchors(whole[:size])
    rng = random.Random(23)
    for _ in range(3000):
        damaged = bytearray(whole)
        for _flip in range(rng.randint(1, 4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        with contextlib.suppress(jre_trust.StoreError):
            jre_trust.trust_anchors(bytes(damaged))


@pytest.mark.parametrize(
    "data",
    [
        b"\xfe\xed\xfe\xed" + struct.pack(">Ii", 2, 0x7FFFFFFF),  # a count no file of this size holds
        b"\xfe\xed\xfe\xed"
        + struct.pack(">Ii", 2, 1)
        + struct.pack(">i", 2)
        + utf("a")
        + b"\0" * 8
        + utf("X.509")
        + struct.pack(">i", 0x7FFFFFF0),  # a certificate longer than the file
        b"\xce\xce\xce\xce" + struct.pack(">Ii", 2, 1) + struct.pack(">i", 3) + utf("secret") + b"\0" * 8,
        b"\xfe\xed\xfe\xed" + struct.pack(">Ii", 7, 0),  # a version Java does not write
        b"\x30\x84\xff\xff\xff\xff",  # a DER length past the end
        b"\x30\x80\x00\x00",  # BER's indefinite length: not DER
        b"PK\x03\x04 not a store",
        b"",
    ],
)
def test_hostile_stores_are_refused_with_a_reason(data):
    with pytest.raises(jre_trust.StoreError):
        jre_trust.trust_anchors(data)


def test_deep_der_nesting_is_bounded():
    """A PKCS#12-looking envelope nested thousands deep: the walk reads a fixed depth, so it ends at once."""
    nested = b"\x05\x00"
    for _ in range(5000):
        nested = b"\x30\x84" + struct.pack(">I", len(nested)) + nested
    with pytest.raises(jre_trust.StoreError):
        jre_trust.trust_anchors(nested)


def test_read_store_refuses_what_is_not_a_store_file(tmp_path):
    assert jre_trust.read_store(str(tmp_path / "missing"))["error"]
    assert jre_trust.read_store(str(tmp_path))["error"] in ("not a regular file", "Is a directory")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert jre_trust.read_store(str(fifo))["error"] == "not a regular file"  # opened non-blocking: no wait
    big = tmp_path / "big"
    with open(big, "wb") as handle:
        handle.truncate(jre_trust.MAX_STORE + 1)
    assert "larger than" in jre_trust.read_store(str(big))["error"]
    good = tmp_path / "cacerts"
    good.write_bytes(jks([CA]))
    assert jre_trust.read_store(str(good)) == {"path": str(good), "format": "JKS", "anchors": [CA], "error": None}


def test_a_store_with_no_anchor_loaded_says_so_and_trusts_nothing():
    """DER that OpenSSL cannot take as a certificate is not an anchor; with none, no endpoint is trusted."""
    said = jre_trust.handshakes([CA], [{"host": "127.0.0.1", "port": 9}], 1)
    assert said == [{"host": "127.0.0.1", "port": 9, "trusted": None, "error": "no anchor could be loaded"}]


@pytest.mark.parametrize(
    "answer",
    [
        b"",  # the server closes the connection at once
        bytes.fromhex("15030300020228"),  # a TLS alert (handshake_failure) before any certificate
        b"HTTP/1.1 400 Bad Request\r\n\r\n",  # not TLS at all
    ],
)
def test_a_server_that_ends_it_before_its_certificate_is_never_trusted(tmp_path, answer):
    """Only a verification that happened can pass: an end before the server's certificate says "cannot tell"."""
    anchor = Pki(tmp_path).ca_cert.public_bytes(serialization.Encoding.DER)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve():
            connection, _address = listener.accept()
            with connection:
                connection.recv(65536)  # the ClientHello
                connection.sendall(answer)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        said = jre_trust.handshakes([anchor], [{"host": "127.0.0.1", "port": port}], 5)
        thread.join(5)
    assert said[0]["trusted"] is None and said[0]["error"], said


def test_the_client_is_never_looser_than_java_17(tmp_path):
    """The name checked, a verified chain required, TLS 1.2 at least (Java 17 refuses 1.0 and 1.1), each anchor
    may end a chain (as Java's), and a DER OpenSSL cannot take is no anchor."""
    import ssl

    anchor = Pki(tmp_path).ca_cert.public_bytes(serialization.Encoding.DER)
    context, loaded = jre_trust.client_context(ssl, [anchor, CA])
    assert loaded == 1 and context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert context.verify_flags & ssl.VERIFY_X509_PARTIAL_CHAIN
    names = [cipher["name"] for cipher in context.get_ciphers()]
    assert names and not [name for name in names if "MD5" in name or "RC4" in name or "NULL" in name]


def test_a_server_that_trickles_bytes_is_bounded_by_the_timeout(tmp_path):
    """One byte of a TLS record every 0.05 s (for 15 s): the handshake gives up once its timeout has passed."""
    anchor = Pki(tmp_path).ca_cert.public_bytes(serialization.Encoding.DER)
    stop = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve():
            connection, _address = listener.accept()
            with connection, contextlib.suppress(OSError):
                connection.recv(65536)
                connection.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record announcing 16,384 bytes
                give_up = time.monotonic() + 15  # without a bound on our side, the test fails here, not hangs
                while not stop.wait(0.05) and time.monotonic() < give_up:
                    connection.sendall(b"\x00")

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        started = time.monotonic()
        said = jre_trust.handshakes([anchor], [{"host": "127.0.0.1", "port": port}], 1)
        elapsed = time.monotonic() - started
        stop.set()
        thread.join(5)
    assert said[0]["trusted"] is None and said[0]["error"], said
    assert elapsed < 10, "the handshake was not bounded by its timeout"
