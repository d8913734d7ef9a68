# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Would PEC's own Java trust the RNDS servers? Read on a Linux host: standard library only, no imports from the
collection (plugin_utils/direct_probe.py runs it on the host beside host_probe.py).

PEC runs on its bundled JRE, whose trust store is ``<PEC folder>/jre/current/lib/security/cacerts``; a server
whose chain leads to no certificate of that file makes Java fail with "PKIX path building failed", whatever the
system's own trust store says. Two steps:

- ``trust_anchors``: the trusted certificates of a Java trust store, as Java's PKIX trust manager takes them:
  the *trusted certificate entries* of a JKS or JCEKS file (JRE 17, PEC's since 5.3) or of a password-less
  PKCS#12 one (JRE 18 and later: certificate bags carrying Oracle's trusted-key-usage attribute). The
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

MAX_STORE = 4 * 1024 * 1024  # a JDK's cacerts is about 150-250 KiB
JKS_MAGIC = 0xFEEDFEED
JCEKS_MAGIC = 0xCECECECE
# DER contents of the OIDs the PKCS#12 walk needs
_DATA = bytes.fromhex("2a864886f70d010701")  # 1.2.840.113549.1.7.1 pkcs7-data
_ENCRYPTED_DATA = bytes.fromhex("2a864886f70d010706")  # 1.2.840.113549.1.7.6
_CERT_BAG = bytes.fromhex("2a864886f70d010c0a0103")  # 1.2.840.113549.1.12.10.1.3
_X509_CERTIFICATE = bytes.fromhex("2a864886f70d01091601")  # 1.2.840.113549.1.9.22.1
_TRUSTED_KEY_USAGE = bytes.fromhex("6086480186f966adca7b0101")  # 2.16.840.1.113894.746875.1.1 (Oracle)


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


def _jks_anchors(data: bytes) -> list:
    reader = _Reader(data)
    magic = reader.int32() & 0xFFFFFFFF
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
            raise StoreError("an entry of type %d (%s)" % (tag, "JCEKS" if magic == JCEKS_MAGIC else "JKS"))
    return anchors


def _tlv(data: bytes, pos: int, end: int) -> tuple:
    """(tag, start of contents, end of contents) of the DER element at ``pos`` (definite lengths only)."""
    if pos + 2 > end:
        raise StoreError("truncated DER at byte %d" % pos)
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first & 0x80:
        size = first & 0x7F
        if size == 0 or size > 4 or pos + size > end:
            raise StoreError("a DER length that is not definite or does not fit, at byte %d" % pos)
        length = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        length = first
    if pos + length > end:
        raise StoreError("a DER element longer than what holds it, at byte %d" % pos)
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list:
    found = []
    while start < end:
        tag, inner, after = _tlv(data, start, end)
        found.append((tag, inner, after))
        start = after
    return found


def _first(data: bytes, element: tuple, what: str) -> tuple:
    """The first element inside ``element``."""
    inside = _children(data, element[1], element[2])
    if not inside:
        raise StoreError("%s is empty" % what)
    return inside[0]


def _expect(element: tuple, tag: int, what: str) -> tuple:
    if element[0] != tag:
        raise StoreError("%s: tag 0x%02x where 0x%02x was expected" % (what, element[0], tag))
    return element


def _content_octets(data: bytes, info: tuple) -> tuple:
    """The OCTET STRING inside a ContentInfo's [0]."""
    parts = _children(data, info[1], info[2])
    if len(parts) < 2:
        raise StoreError("a ContentInfo without content")
    wrapped = _expect(parts[1], 0xA0, "ContentInfo content")
    return _expect(_tlv(data, wrapped[1], wrapped[2]), 0x04, "ContentInfo data")


def _pkcs12_anchors(data: bytes) -> tuple:
    """(anchors, whether some certificates were encrypted: Java cannot read those without a password either)."""
    pfx = _expect(_tlv(data, 0, len(data)), 0x30, "PFX")
    parts = _children(data, pfx[1], pfx[2])
    if len(parts) < 2:
        raise StoreError("a PFX without contents")
    auth = _expect(parts[1], 0x30, "authSafe")
    oid = _expect(_first(data, auth, "authSafe"), 0x06, "authSafe type")
    if data[oid[1] : oid[2]] != _DATA:
        raise StoreError("an authSafe that is not data (a signed store)")
    safe = _content_octets(data, auth)
    anchors, encrypted = [], False
    for info in _children(data, *_expect(_tlv(data, safe[1], safe[2]), 0x30, "AuthenticatedSafe")[1:]):
        kind = _expect(_first(data, info, "ContentInfo"), 0x06, "ContentInfo type")
        if data[kind[1] : kind[2]] == _ENCRYPTED_DATA:
            encrypted = True
            continue
        if data[kind[1] : kind[2]] != _DATA:
            continue
        contents = _content_octets(data, info)
        bags = _expect(_tlv(data, contents[1], contents[2]), 0x30, "SafeContents")
        for bag in _children(data, bags[1], bags[2]):
            fields = _children(data, bag[1], bag[2])
            if len(fields) < 3 or data[fields[0][1] : fields[0][2]] != _CERT_BAG:
                continue  # a key bag, or a certificate without attributes (a key's, never an anchor)
            attributes = [_children(data, a[1], a[2]) for a in _children(data, fields[2][1], fields[2][2])]
            if not any(a and data[a[0][1] : a[0][2]] == _TRUSTED_KEY_USAGE for a in attributes):
                continue
            cert_bag = _children(data, *_expect(fields[1], 0xA0, "certBag")[1:])
            cert_bag = _children(data, cert_bag[0][1], cert_bag[0][2]) if cert_bag else []
            if len(cert_bag) == 2 and data[cert_bag[0][1] : cert_bag[0][2]] == _X509_CERTIFICATE:
                value = _tlv(data, cert_bag[1][1], cert_bag[1][2])
                anchors.append(data[value[1] : value[2]])
    return anchors, encrypted


def trust_anchors(data: bytes) -> tuple:
    """(the DER certificates Java trusts, the store's format); raises StoreError."""
    if len(data) >= 4 and struct.unpack(">I", data[:4])[0] in (JKS_MAGIC, JCEKS_MAGIC):
        name = "JKS" if struct.unpack(">I", data[:4])[0] == JKS_MAGIC else "JCEKS"
        return _jks_anchors(data), name
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
