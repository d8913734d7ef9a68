# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small, bounded ASN.1 BER/DER reader: just enough to walk a PKCS#12 envelope.

Private to the collection: no stability promise outside esus.pec.

Every file handed to it is untrusted, so it never recurses without a depth limit, never builds more
than a fixed number of elements, and raises only ``Asn1Error``. It reads BER as OpenSSL and Java do
(indefinite lengths, long-form lengths with leading zeros, constructed OCTET STRINGs), so old
exporters' files are walked, and bounded, like any other; ``encode()`` writes the tree back as DER.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class Tag(IntEnum):
    """Identifier octets used by PKCS#12 (RFC 7292), PKCS#7/CMS and PKCS#5."""

    INTEGER = 0x02
    BIT_STRING = 0x03
    OCTET_STRING = 0x04
    NULL = 0x05
    OID = 0x06
    UTF8_STRING = 0x0C
    PRINTABLE_STRING = 0x13
    T61_STRING = 0x14
    IA5_STRING = 0x16
    VISIBLE_STRING = 0x1A
    BMP_STRING = 0x1E
    SEQUENCE = 0x30
    SET = 0x31
    CONSTRUCTED_OCTET_STRING = 0x24  # BER: an OCTET STRING sent in chunks
    CONTEXT_0 = 0xA0  # [0] EXPLICIT / constructed
    CONTEXT_1 = 0xA1
    CONTEXT_0_PRIMITIVE = 0x80  # [0] IMPLICIT OCTET STRING (EncryptedContentInfo.encryptedContent)


_STRING_TAGS = {
    Tag.OCTET_STRING,
    Tag.UTF8_STRING,
    Tag.PRINTABLE_STRING,
    Tag.T61_STRING,
    Tag.IA5_STRING,
    Tag.VISIBLE_STRING,
}
_CONSTRUCTED = 0x20
_BOOLEAN = 0x01
# Content rules OpenSSL and Java enforce on universal types wherever they appear (an empty INTEGER or
# OID, a NULL with content, an INTEGER padded with a redundant leading byte)
_PRIMITIVE_RULES = {
    _BOOLEAN: lambda value: len(value) == 1,
    0x02: lambda value: (
        bool(value)
        and not (len(value) > 1 and ((value[0] == 0 and value[1] < 0x80) or (value[0] == 0xFF and value[1] >= 0x80)))
    ),
    0x05: lambda value: not value,
    0x06: lambda value: bool(value) and not value[-1] & 0x80 and value[0] != 0x80,
}
_END_OF_CONTENTS = b"\x00\x00"

MAX_DEPTH = 32
"""Nesting limit (OpenSSL stops constructed strings at 30 levels; a PKCS#12 needs about 12)."""

MAX_ELEMENTS = 20_000
"""Elements one parse may build: a PKCS#12 with a long chain has a few hundred."""


class Asn1Error(ValueError):
    """The bytes are not the BER/DER structure that was expected (the message says where)."""


class Asn1TooLarge(Asn1Error):
    """More elements or deeper nesting than any certificate has: refused before more work is done."""


class Node(NamedTuple):
    """One element: its tag and either its content (primitive) or its children (constructed)."""

    tag: int
    value: bytes
    children: tuple[Node, ...] | None = None

    @property
    def constructed(self) -> bool:
        return self.children is not None


class _Reader:
    def __init__(self, data: bytes, max_elements: int) -> None:
        self.data = data
        self.left = self.limit = max_elements

    def element(self, pos: int, end: int, depth: int) -> tuple[Node, int]:
        data = self.data
        if depth > MAX_DEPTH:
            raise Asn1TooLarge("more than %d nested elements" % MAX_DEPTH)
        self.left -= 1
        if self.left < 0:
            raise Asn1TooLarge("more than %d ASN.1 elements" % self.limit)
        if pos + 2 > end:
            raise Asn1Error("truncated: an element header at byte %d runs past the end" % pos)
        tag = data[pos]
        if tag == 0:
            raise Asn1Error("an end-of-contents marker where an element is expected, at byte %d" % pos)
        if tag & 0x1F == 0x1F:
            raise Asn1Error("multi-byte tag at byte %d (not used by PKCS#12)" % pos)
        first = data[pos + 1]
        pos += 2
        if first == 0x80:  # indefinite length (BER): children up to an end-of-contents marker
            if not tag & _CONSTRUCTED:
                raise Asn1Error("indefinite length on a primitive element at byte %d" % (pos - 2))
            children = []
            while True:
                if pos + 2 > end:
                    raise Asn1Error("truncated: no end-of-contents for an indefinite length")
                if data[pos : pos + 2] == _END_OF_CONTENTS:
                    return self._node(tag, b"", tuple(children)), pos + 2
                child, pos = self.element(pos, end, depth + 1)
                children.append(child)
        if first & 0x80:
            count = first & 0x7F
            if count > 8 or pos + count > end:
                raise Asn1Error("bad length field at byte %d" % (pos - 2))
            length = int.from_bytes(data[pos : pos + count], "big")
            pos += count
        else:
            length = first
        if length > end - pos:
            raise Asn1Error("truncated: an element claims %d bytes, %d remain" % (length, end - pos))
        stop = pos + length
        if not tag & _CONSTRUCTED:
            value = data[pos:stop]
            if tag in _PRIMITIVE_RULES and not _PRIMITIVE_RULES[tag](value):
                raise Asn1Error("a malformed %s at byte %d" % (_tag_name(tag), pos))
            return Node(tag, value), stop
        children = []
        while pos < stop:
            child, pos = self.element(pos, stop, depth + 1)
            children.append(child)
        return self._node(tag, b"", tuple(children)), stop

    @staticmethod
    def _node(tag: int, value: bytes, children: tuple[Node, ...]) -> Node:
        if tag == Tag.CONSTRUCTED_OCTET_STRING:  # BER chunks: one OCTET STRING, as DER has it
            if any(child.tag != Tag.OCTET_STRING for child in children):
                raise Asn1Error("a constructed OCTET STRING holds something else")
            return Node(Tag.OCTET_STRING, b"".join(child.value for child in children))
        return Node(tag, value, children)


def parse(data: bytes, max_elements: int = MAX_ELEMENTS) -> Node:
    """The whole of ``data`` as one element (trailing bytes are an error)."""
    node, end = parse_prefix(data, max_elements)
    if end != len(data):
        raise Asn1Error("%d unexpected bytes after the structure" % (len(data) - end))
    return node


def parse_prefix(data: bytes, max_elements: int = MAX_ELEMENTS) -> tuple[Node, int]:
    """The first element of ``data`` and where it ends: what Java's and OpenSSL's readers take of a file."""
    return _Reader(data, max_elements).element(0, len(data), 0)


def encode_tlv(tag: int, content: bytes) -> bytes:
    """DER header + content."""
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + content


def encode(node: Node) -> bytes:
    """The element as DER (BER input comes back in its definite-length form)."""
    if node.children is None:
        return encode_tlv(node.tag, node.value)
    return encode_tlv(node.tag, b"".join(encode(child) for child in node.children))


def expect(node: Node, tag: int, what: str) -> Node:
    if node.tag != tag:
        raise Asn1Error("%s: expected %s, found tag 0x%02x" % (what, _tag_name(tag), node.tag))
    return node


def items(node: Node, what: str, minimum: int = 0, maximum: int | None = None) -> tuple[Node, ...]:
    """Children of a constructed element, their number checked."""
    if node.children is None:
        raise Asn1Error("%s: expected a constructed element, found tag 0x%02x" % (what, node.tag))
    count = len(node.children)
    if count < minimum or (maximum is not None and count > maximum):
        raise Asn1Error("%s: %d elements where %s are expected" % (what, count, _count_text(minimum, maximum)))
    return node.children


def oid(node: Node, what: str = "object identifier") -> str:
    raw = expect(node, Tag.OID, what).value
    if not raw or raw[-1] & 0x80:
        raise Asn1Error("%s: malformed object identifier" % what)
    arcs = []
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(arc) for arc in [first, arcs[0] - 40 * first, *arcs[1:]])


def integer(node: Node, what: str = "integer") -> int:
    raw = expect(node, Tag.INTEGER, what).value
    if not raw or len(raw) > 16:
        raise Asn1Error("%s: an integer of %d bytes" % (what, len(raw)))
    return int.from_bytes(raw, "big", signed=True)


def octets(node: Node, what: str) -> bytes:
    return expect(node, Tag.OCTET_STRING, what).value


def decode_string(value: bytes, max_wrappers: int = 2) -> str:
    """Text of a DER string (OCTET, UTF8, Printable, IA5, BMP...), unwrapping up to two explicit [0]."""
    node = parse(value, max_elements=64)
    for _wrapper in range(max_wrappers + 1):
        if node.tag == Tag.CONTEXT_0 and node.children and len(node.children) == 1:
            node = node.children[0]
            continue
        break
    if node.tag == Tag.BMP_STRING:
        return node.value.decode("utf-16-be", errors="replace")
    if node.tag in _STRING_TAGS:
        return node.value.decode("utf-8", errors="replace")
    raise Asn1Error("not a string (tag 0x%02x)" % node.tag)


def _tag_name(tag: int) -> str:
    try:
        return Tag(tag).name.replace("_", " ")
    except ValueError:
        return "tag 0x%02x" % tag


def _count_text(minimum: int, maximum: int | None) -> str:
    if maximum is None:
        return "at least %d" % minimum
    return str(minimum) if minimum == maximum else "%d to %d" % (minimum, maximum)
