# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Would PEC's own Java trust the RNDS servers? Read on a Linux host, standard library only
(plugin_utils/direct_probe.py runs it beside host_probe.py and the PKCS#12 core's envelope reader it uses).

PEC runs on its bundled JRE, whose trust store is ``<PEC folder>/jre/current/lib/security/cacerts``; a server
whose chain leads to no certificate of that file makes Java fail with "PKIX path building failed", whatever the
system's own trust store says. Two steps:

- ``trust_anchors``: the trusted certificates of a Java trust store, as Java's PKIX trust manager takes them:
  the *trusted certificate entries* of a JKS or JCEKS file (JRE 17, PEC's since 5.3) or of a password-less
  PKCS#12 one (JRE 18 and later: certificate bags carrying Oracle's trusted-key-usage attribute, read by the
  core's own envelope reader, module_utils/_pkcs12_envelope.py, as BER and as strictly as Java). The
  certificates of key entries are not anchors, for Java either. A hostile file gives an error, in bounded time
  (every length is checked against what is left; the file is read up to ``MAX_STORE``).
- ``handshakes``: a TLS handshake from the host to each endpoint, verified with those anchors only, each one an
  anchor as in Java (OpenSSL's partial-chain flag) and the name checked: ``trusted`` True, False (the chain or
  the name was refused: what Java would refuse) or None (no handshake: cannot tell). Nothing is sent after the
  handshake, no client certificate either.
"""

from __future__ import annotations

import os
import socket
import stat
import struct
import time

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._asn1 import Asn1Error, parse_prefix
    from ansible_collections.esus.pec.plugins.module_utils._java_pairing import CERTIFICATE, JAVA_KEYSTORE_MAGIC
    from ansible_collections.esus.pec.plugins.module_utils._pkcs12_envelope import Envelope
    from ansible_collections.esus.pec.plugins.module_utils._pkcs12_schema import Damaged, Unsupported
else:  # run alone by plugin_utils/direct_probe.py, the core's files beside it
    from _asn1 import Asn1Error, parse_prefix
    from _java_pairing import CERTIFICATE, JAVA_KEYSTORE_MAGIC
    from _pkcs12_envelope import Envelope
    from _pkcs12_schema import Damaged, Unsupported

MAX_STORE = 4 * 1024 * 1024  # a JDK's cacerts is about 150-250 KiB


class StoreError(ValueError):
    """The trust store cannot be read as Java would read it."""


class _Reader:
    """Big-endian fields of a JKS stream, every length checked against what is left."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise StoreError("truncated at byte %d" % self.pos)
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def int32(self) -> int:
        return struct.unpack(">i", self.take(4))[0]

    def utf(self) -> bytes:  # Java's writeUTF: a 2-byte length, then the bytes
        return self.take(struct.unpack(">H", self.take(2))[0])


def _jks_anchors(data: bytes, kind: str) -> list:
    reader = _Reader(data)
    reader.take(4)  # the magic: JKS or JCEKS
    version = reader.int32()
    if version not in (1, 2):
        raise StoreError("unknown JKS version %d" % version)
    count = reader.int32()
    if count < 0 or count > len(data) // 16:  # an entry takes more than 16 bytes
        raise StoreError("an entry count of %d does not fit in %d bytes" % (count, len(data)))
    anchors = []
    for _entry in range(count):
        tag = reader.int32()
        reader.utf()  # the alias
        reader.take(8)  # the date
        if tag == 1:  # a key entry: its certificates are not anchors
            reader.take(reader.int32())
            for _chain in range(max(0, reader.int32())):
                if version == 2:
                    reader.utf()
                reader.take(reader.int32())
        elif tag == 2:  # a trusted certificate entry
            if version == 2 and reader.utf() != b"X.509":
                raise StoreError("a trusted entry that is not X.509")
            anchors.append(reader.take(reader.int32()))
        else:  # a JCEKS secret key (a serialised Java object): no trust store holds one
            raise StoreError("an entry of type %d (%s)" % (tag, kind))
    return anchors


def _pkcs12_anchors(data: bytes) -> tuple:
    """(anchors, whether some certificates were encrypted: Java cannot read those without a password either).
    Java's trusted certificate entries: top-level certificate bags with its trusted-key-usage attribute."""
    try:
        envelope = Envelope(parse_prefix(data)[0])  # Java reads one DER value and ignores what follows
    except (Asn1Error, Damaged, Unsupported) as exc:
        raise StoreError("not a PKCS#12 store Java reads (%s)" % exc) from None
    anchors = [
        envelope.certificates[ref.index]
        for part in envelope.layout
        if isinstance(part, list)  # a plain part (an int is an encrypted one)
        for ref in part
        if ref.kind == CERTIFICATE and ref.trusted and not ref.nested
    ]
    return anchors, bool(envelope.parts)


def trust_anchors(data: bytes) -> tuple:
    """(the DER certificates Java trusts, the store's format); raises StoreError."""
    kind = JAVA_KEYSTORE_MAGIC.get(data[:4])
    if kind:
        return _jks_anchors(data, kind), kind
    if data[:1] == b"\x30":
        anchors, encrypted = _pkcs12_anchors(data)
        if not anchors and encrypted:
            raise StoreError("a PKCS#12 store whose certificates are encrypted (Java needs its password)")
        return anchors, "PKCS12"
    raise StoreError("neither a JKS, a JCEKS nor a PKCS#12 store")


def read_store(path: str) -> dict:
    """{path, format, anchors (DER list), error}: the store read as Java reads it, or why it was not."""
    found = {"path": path, "format": None, "anchors": [], "error": None}
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                found["error"] = "not a regular file"
                return found
            data = handle.read(MAX_STORE + 1)
    except OSError as exc:
        found["error"] = exc.strerror or type(exc).__name__
        return found
    if len(data) > MAX_STORE:
        found["error"] = "larger than %d bytes" % MAX_STORE
        return found
    try:
        found["anchors"], found["format"] = trust_anchors(data)
    except StoreError as exc:
        found["error"] = str(exc)
    return found


def _client_flight(data: bytes) -> bool:
    """Whether these bytes the client wrote hold a TLS 1.2 Certificate or ClientKeyExchange message: OpenSSL writes
    them only once the server's certificate has been verified (a refused one gets an alert instead)."""
    pos = 0
    while pos + 5 <= len(data):
        kind, length = data[pos], struct.unpack(">H", data[pos + 3 : pos + 5])[0]
        if kind == 22 and pos + 5 < len(data) and data[pos + 5] in (11, 16):
            return True
        pos += 5 + length
    return False


def _handshake(ssl, context, host: str, port: int, timeout: float) -> tuple:
    """(trusted, error) of one handshake, driven through memory buffers so that a server that ends a TLS 1.2
    handshake for want of a client certificate (the RNDS asks for one) still tells whether its chain passed:
    the client's next flight is written only after the verification."""
    deadline = time.monotonic() + timeout
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=host)
    verified = False
    with socket.create_connection((host, port), timeout=timeout) as raw:
        while True:
            try:
                tls.do_handshake()
                finished = True
            except ssl.SSLWantReadError:
                finished = False
            except ssl.SSLCertVerificationError as exc:
                return False, exc.verify_message or exc.reason or "certificate verify failed"
            except ssl.SSLError as exc:  # the server ended it: after our verification, or before it
                why = "the server ended the handshake (%s)" % (exc.reason or exc)
                return (True, why) if verified else (None, why)
            sent = outgoing.read()
            verified = verified or _client_flight(sent)
            if sent:
                raw.sendall(sent)
            if finished:
                return True, None
            if time.monotonic() > deadline:  # a server that trickles bytes: the handshake's time is bounded too
                return None, "no handshake within %g s" % timeout
            raw.settimeout(max(0.1, deadline - time.monotonic()))
            received = raw.recv(65536)
            if not received:
                why = "the server closed the connection during the handshake"
                return (True, why) if verified else (None, why)
            incoming.write(received)


def client_context(ssl, anchors: list) -> tuple:
    """(the client's TLS context, how many anchors it took): what Java 17 would accept or stricter, never looser.
    The name is checked and a verified chain required; every anchor may end a chain (Java's trust anchors);
    TLS 1.2 at least (Java 17 refuses 1.0 and 1.1) and OpenSSL's security level 2 (no MD5 or SHA-1 signature, RSA
    of 2048 bits at least), which an old host's OpenSSL would not otherwise enforce: Java refuses MD5 and SHA-1
    towards its own CAs and accepts smaller keys, so the difference can only make a host red, never green."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("DEFAULT:@SECLEVEL=2")
    context.verify_flags |= getattr(ssl, "VERIFY_X509_PARTIAL_CHAIN", 0)
    loaded = 0
    for der in anchors:
        try:
            context.load_verify_locations(cadata=der)
            loaded += 1
        except (ssl.SSLError, ValueError):  # a certificate OpenSSL cannot take: not an anchor here
            continue
    return context, loaded


def handshakes(anchors: list, endpoints: list, timeout: float) -> list:
    """[{host, port, trusted, error}]: a verified TLS handshake with each endpoint, as PEC's Java would make it.
    ``trusted`` True (``error`` may say the server then ended it: it wanted a client certificate), False (the chain
    or the name was refused) or None (no handshake got that far: cannot tell)."""
    import ssl  # only when asked (the look imports no more than it uses)

    context, loaded = client_context(ssl, anchors)
    results = []
    for endpoint in endpoints:
        result = {"host": endpoint["host"], "port": endpoint["port"], "trusted": None, "error": None}
        if not loaded:
            result["error"] = "no anchor could be loaded"
            results.append(result)
            continue
        try:
            result["trusted"], result["error"] = _handshake(ssl, context, endpoint["host"], endpoint["port"], timeout)
        except OSError as exc:  # no connection, or a timeout: cannot tell
            result["error"] = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        results.append(result)
    return results


def trust(path: str, endpoints: list, timeout: float) -> dict:
    """What the look returns for PEC's trust store: {path, format, anchors (a count), error, endpoints}."""
    store = read_store(path)
    checked = handshakes(store["anchors"], endpoints, timeout) if not store["error"] else []
    return dict(store, anchors=len(store["anchors"]), endpoints=checked)
