# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ask the RNDS authentication endpoint for a token with the certificate (mutual TLS), from the controller.

The private key reaches OpenSSL through an anonymous in-memory file (memfd) holding the key PEM encrypted
with a one-time random passphrase; where memfd does not exist, a private temp folder holds the same
encrypted PEM and is removed at once. Nothing usable is ever left on disk.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import socket
import ssl
import tempfile
import urllib.parse

try:
    from cryptography.hazmat.primitives import serialization
except ImportError:  # pragma: no cover - the caller checked for cryptography already
    serialization = None

ACCEPTED = "accepted"
REJECTED = "rejected"
UNKNOWN_CA = "unknown_ca"
SERVER_UNTRUSTED = "server_untrusted"
TIMEOUT = "timeout"
UNREACHABLE = "unreachable"
ERROR = "error"


@contextlib.contextmanager
def _credential_files(key, certificate, chain: list):
    passphrase = secrets.token_urlsafe(32)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    cert_pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [certificate, *chain])
    if hasattr(os, "memfd_create"):
        descriptors = []
        try:
            for content in (cert_pem, key_pem):
                descriptor = os.memfd_create("esus-pec", 0)
                os.write(descriptor, content)
                descriptors.append(descriptor)
            yield "/proc/self/fd/%d" % descriptors[0], "/proc/self/fd/%d" % descriptors[1], passphrase
        finally:
            for descriptor in descriptors:
                os.close(descriptor)
        return
    folder = tempfile.mkdtemp(prefix="esus-pec-token-")
    try:
        paths = []
        for name, content in (("cert.pem", cert_pem), ("key.pem", key_pem)):
            path = os.path.join(folder, name)
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
                handle.write(content)
            paths.append(path)
        yield paths[0], paths[1], passphrase
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def request_token(
    url: str,
    key,
    certificate,
    chain: list,
    *,
    ca_file: str | None = None,
    timeout: float = 10,
    ca_option: str = "token_ca_file",
) -> dict:
    """{status, reason, http_status}: what the endpoint said to this certificate. ``ca_option`` is how the reason
    names the option of the CA bundle (the caller's name for it)."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port or 443
    context = ssl.create_default_context(cafile=ca_file)
    result = {"status": ERROR, "reason": "", "http_status": None, "url": url}
    try:
        with _credential_files(key, certificate, chain) as (cert_file, key_file, passphrase):
            context.load_cert_chain(cert_file, key_file, password=passphrase)
        connection = http.client.HTTPSConnection(host, port, context=context, timeout=timeout)
        try:
            connection.request("GET", parts.path or "/api/token", headers={"Accept": "application/json"})
            response = connection.getresponse()
            response.read(65536)
        finally:
            connection.close()
    except ssl.SSLCertVerificationError as exc:
        result.update(
            status=SERVER_UNTRUSTED,
            reason="the controller does not trust %s's TLS certificate (%s); "
            "set %s to its CA bundle." % (host, exc.verify_message, ca_option),
        )
        return result
    except ssl.SSLError as exc:
        text = str(exc).lower()
        if "unknown ca" in text:
            result.update(
                status=UNKNOWN_CA,
                reason="%s does not trust the certificate's issuer (unknown CA): it is "
                "not an ICP-Brasil certificate RNDS accepts." % host,
            )
        else:
            result.update(
                status=REJECTED,
                reason="%s refused the certificate in the TLS handshake (%s)." % (host, exc.reason or text),
            )
        return result
    except (socket.timeout, TimeoutError):
        result.update(status=TIMEOUT, reason="%s:%s did not answer within %g s." % (host, port, timeout))
        return result
    except ConnectionResetError:
        result.update(status=REJECTED, reason="%s closed the connection: the certificate was refused." % host)
        return result
    except OSError as exc:
        result.update(
            status=UNREACHABLE,
            reason="cannot reach %s:%s from the controller (%s)." % (host, port, exc.strerror or exc),
        )
        return result
    result["http_status"] = response.status
    if response.status == 200:
        result.update(
            status=ACCEPTED,
            reason="%s accepted mutual TLS and issued a token (ICP-Brasil trust; not a proof that the credential "
            "is authorised to send records)." % host,
        )
    elif response.status in (401, 403):
        result.update(
            status=REJECTED,
            reason="%s answered HTTP %d: the certificate is not authorised for the RNDS "
            "(check the credential's registration for this UF)." % (host, response.status),
        )
    else:
        result.update(status=ERROR, reason="%s answered HTTP %d." % (host, response.status))
    return result
