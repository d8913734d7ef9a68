# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A certificate's DER with the encodings Java reads but ``cryptography`` refuses made standard, to read it.

Private to the collection: no stability promise outside esus.pec.

Java's X.509 parser (what PEC uses) accepts an explicit ``critical FALSE``, a BOOLEAN TRUE written as 0x01,
a GeneralizedTime with a fraction of a second, a UTCTime without seconds, an explicit v1 version and a
T61String of Latin-1 bytes; ``cryptography`` (strict DER) refuses them. ``repaired(der)`` returns the
certificate re-encoded without them and what was changed, so its fields can be read; the signature no
longer covers the re-encoded bytes, and nothing but reading uses them. Standard library only.
"""

from __future__ import annotations

if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._asn1 import Asn1Error, Node, Tag, encode, parse
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _asn1 import Asn1Error, Node, Tag, encode, parse

_BOOLEAN = 0x01
_UTC_TIME = 0x17
_GENERALIZED_TIME = 0x18


def repaired(der: bytes) -> tuple[bytes, list[str]] | None:
    """(standard DER, what was not standard) or None when the bytes are not a certificate at all."""
    try:
        certificate = parse(der)
        tbs, algorithm, signature = certificate.children
        fields = list(tbs.children)
    except (Asn1Error, TypeError, ValueError):
        return None
    fixes: list[str] = []
    if encode(certificate) != der:
        fixes.append("BER lengths (indefinite or longer than needed)")
    if fields and fields[0].tag == Tag.CONTEXT_0 and _is_v1(fields[0]):
        fields.pop(0)
        fixes.append("an explicit v1 version")
    base = 1 if fields and fields[0].tag == Tag.CONTEXT_0 else 0
    try:
        fields[base + 2] = _names(fields[base + 2], fixes)  # issuer
        fields[base + 3] = _validity(fields[base + 3], fixes)
        fields[base + 4] = _names(fields[base + 4], fixes)  # subject
        if fields[-1].tag == 0xA3:
            fields[-1] = _extensions(fields[-1], fixes)
    except (IndexError, TypeError, ValueError, Asn1Error):
        return None
    if not fixes:
        return None
    rebuilt = Node(Tag.SEQUENCE, b"", (Node(Tag.SEQUENCE, b"", tuple(fields)), algorithm, signature))
    return encode(rebuilt), sorted(set(fixes))


def _is_v1(version: Node) -> bool:
    children = version.children or ()
    return len(children) == 1 and children[0].tag == Tag.INTEGER and children[0].value == b"\x00"


def _names(name: Node, fixes: list[str]) -> Node:
    """T61String values (Latin-1 bytes, as Java reads them) as UTF8String."""
    if name.children is None:
        return name
    rdns = []
    for rdn in name.children:
        attributes = []
        for attribute in rdn.children or ():
            kind, value = attribute.children
            if value.tag == Tag.T61_STRING:
                value = Node(Tag.UTF8_STRING, value.value.decode("latin-1").encode("utf-8"))
                fixes.append("a T61String name")
            attributes.append(Node(attribute.tag, b"", (kind, value)))
        rdns.append(Node(rdn.tag, b"", tuple(attributes)))
    return Node(name.tag, b"", tuple(rdns))


def _validity(validity: Node, fixes: list[str]) -> Node:
    return Node(validity.tag, b"", tuple(_time(moment, fixes) for moment in validity.children))


def _time(moment: Node, fixes: list[str]) -> Node:
    text = moment.value
    if moment.tag == _UTC_TIME and len(text) == 11 and text.endswith(b"Z"):
        fixes.append("a UTCTime without seconds")
        return Node(_UTC_TIME, text[:10] + b"00Z")
    if moment.tag == _GENERALIZED_TIME and b"." in text and text.endswith(b"Z"):
        fixes.append("a GeneralizedTime with a fraction of a second")
        return Node(_GENERALIZED_TIME, text.split(b".")[0] + b"Z")
    return moment


def _extensions(wrapper: Node, fixes: list[str]) -> Node:
    (extensions,) = wrapper.children
    fixed = []
    for extension in extensions.children:
        parts = list(extension.children)
        if len(parts) == 3 and parts[1].tag == _BOOLEAN:
            if parts[1].value == b"\x00":
                parts.pop(1)
                fixes.append("an explicit 'critical FALSE'")
            elif parts[1].value != b"\xff":
                parts[1] = Node(_BOOLEAN, b"\xff")
                fixes.append("a BOOLEAN TRUE not written as 0xFF")
        value = parts[-1]
        try:
            inner = _booleans(parse(value.value), fixes)
            parts[-1] = Node(Tag.OCTET_STRING, encode(inner))
        except Asn1Error:
            pass  # not DER inside: left as it is
        fixed.append(Node(extension.tag, b"", tuple(parts)))
    return Node(wrapper.tag, b"", (Node(extensions.tag, b"", tuple(fixed)),))


def _booleans(node: Node, fixes: list[str]) -> Node:
    """BOOLEANs inside an extension's value: TRUE as 0xFF; FALSE dropped (every one there is DEFAULT FALSE)."""
    if node.children is None:
        return node
    children = []
    for child in node.children:
        if child.tag == _BOOLEAN and child.value == b"\x00":
            fixes.append("an explicit BOOLEAN FALSE")
            continue
        if child.tag == _BOOLEAN and child.value != b"\xff":
            fixes.append("a BOOLEAN TRUE not written as 0xFF")
            child = Node(_BOOLEAN, b"\xff")
        children.append(_booleans(child, fixes))
    return Node(node.tag, b"", tuple(children))
