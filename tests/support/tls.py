# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real TLS server on loopback that requires client certificates, standing in for the RNDS auth endpoint."""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import socket
import ssl
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from tests.support.pki import Pki


def _alternative_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def server_files(pki: Pki, trusted_ca, names: tuple = ("localhost", "127.0.0.1"), stem: str = "server") -> tuple:
    """(cert file, key file, CA file the server trusts for clients) for a loopback server whose certificate, from
    ``pki``'s CA, carries ``names`` (host names or addresses); the files are ``<stem>.pem`` and ``<stem>.key``."""
    key = pki.key("ec", "tls-%s" % stem)
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(pki.ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([_alternative_name(name) for name in names]), False)
        # Python 3.13's default TLS context (VERIFY_X509_STRICT) refuses a server certificate without it
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.ca_key.public_key()), False)
        .sign(pki.ca_key, hashes.SHA256())
    )
    cert_file, key_file = pki.dir / ("%s.pem" % stem), pki.dir / ("%s.key" % stem)
    ca_file = pki.dir / "clients-ca.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    ca_file.write_bytes(trusted_ca.public_bytes(serialization.Encoding.PEM))
    return cert_file, key_file, ca_file


@contextlib.contextmanager
def tls_server(
    pki: Pki,
    *,
    status: int = 200,
    trusted_ca=None,
    silent: bool = False,
    tls12: bool = False,
    names: tuple = ("localhost", "127.0.0.1"),
    stem: str = "server",
):
    """A real TLS server on 127.0.0.1 requiring a client certificate; yields its URL. Its certificate carries
    ``names`` and is left in ``pki.dir / (stem + ".pem")``.

    Bounded: at most 5 connections and 30 s, and it stops when the test leaves the ``with``."""
    cert_file, key_file, ca_file = server_files(pki, trusted_ca or pki.ca_cert, names, stem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if tls12:  # the client certificate is then judged inside the handshake, so the alert reaches the client
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    context.load_verify_locations(cafile=str(ca_file))
    context.verify_mode = ssl.CERT_REQUIRED
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve():
        served, deadline = 0, time.monotonic() + 30
        while served < 5 and not stop.is_set() and time.monotonic() < deadline:
            try:
                raw, _address = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            served += 1
            if silent:
                stop.wait(5)
                raw.close()
                continue
            try:
                with context.wrap_socket(raw, server_side=True) as tls:
                    tls.recv(4096)
                    body = b'{"access_token": "t", "expires_in": 1800}' if status == 200 else b"{}"
                    tls.sendall(
                        b"HTTP/1.1 %d X\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                        % (status, len(body), body)
                    )
            except (ssl.SSLError, OSError):
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield "https://127.0.0.1:%d/api/token" % port
    finally:
        stop.set()
        thread.join(10)
        listener.close()
