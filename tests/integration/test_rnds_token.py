# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The mutual-TLS token request against real TLS servers on loopback that require client certificates.

Each server is a real ``ssl`` server in a thread on 127.0.0.1 with a certificate from the test CA:
one issues a token (accepted), one answers 403 (rejected), one trusts another CA only (unknown CA),
and one accepts the TCP connection but never speaks (timeout).
"""

from __future__ import annotations

import socket

import pytest
from cryptography.hazmat.primitives import serialization

from ansible_collections.esus.pec.plugins.plugin_utils.rnds_token import request_token
from tests.support.pki import Pki
from tests.support.tls import tls_server


@pytest.fixture(scope="module")
def credential(pki):
    key, cert = pki.leaf(key=pki.key("ec", "client"))
    return key, cert, [pki.ca_cert]


def ca_file(pki) -> str:
    path = pki.dir / "trust.pem"
    path.write_bytes(pki.ca_cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


def test_accepted(pki, credential):
    with tls_server(pki) as url:
        result = request_token(url, *credential, ca_file=ca_file(pki), timeout=5)
    assert result["status"] == "accepted", result["reason"]
    assert result["http_status"] == 200


def test_rejected_by_the_endpoint(pki, credential):
    with tls_server(pki, status=403) as url:
        result = request_token(url, *credential, ca_file=ca_file(pki), timeout=5)
    assert result["status"] == "rejected"
    assert "HTTP 403" in result["reason"]


def test_unknown_ca(pki, credential, tmp_path):
    other = Pki(tmp_path / "other-ca", ca_name="AC OUTRA (not trusted by the server)")
    with tls_server(pki, trusted_ca=other.ca_cert, tls12=True) as url:
        result = request_token(url, *credential, ca_file=ca_file(pki), timeout=5)
    assert result["status"] == "unknown_ca", result["reason"]
    assert "not an ICP-Brasil certificate RNDS accepts" in result["reason"]


def test_refused_after_a_tls13_handshake_is_still_a_refusal(pki, credential, tmp_path):
    """In TLS 1.3 the server judges the client certificate after the handshake: the client may only see the
    connection end. That must read as a refusal, never as accepted."""
    other = Pki(tmp_path / "other-ca-13", ca_name="AC OUTRA 13")
    with tls_server(pki, trusted_ca=other.ca_cert) as url:
        result = request_token(url, *credential, ca_file=ca_file(pki), timeout=5)
    assert result["status"] in ("unknown_ca", "rejected"), result


def test_timeout(pki, credential):
    with tls_server(pki, silent=True) as url:
        result = request_token(url, *credential, ca_file=ca_file(pki), timeout=1)
    assert result["status"] == "timeout", result["reason"]


def test_server_not_trusted_by_the_controller(pki, credential):
    with tls_server(pki) as url:
        result = request_token(url, *credential, timeout=5)  # system CAs only
    assert result["status"] == "server_untrusted"


def test_unreachable(credential):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    try:
        result = request_token("https://127.0.0.1:%d/api/token" % closed.getsockname()[1], *credential, timeout=2)
    finally:
        closed.close()
    assert result["status"] == "unreachable"
