# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What must never appear in any output: passwords, private-key bytes, certificate file bytes.

Each secret is turned into the forms it would take if a bug printed it: raw, JSON-escaped, URL-encoded and
Python-repr'd passwords; bytes as hex (either case, ``\\x`` escapes) and as base64 at every alignment. Base64
of a run of bytes shows inside the base64 of a larger buffer only when the run starts on a multiple of 3 from
the buffer's start, which the test cannot know: so three needles per run, one per alignment, each of whole
3-byte groups (no padding, every character decided by the run alone). Wrapped output (PEM and MIME wrap at 64
and 76 columns, JSON carries ``\\n``) is searched a second time with line breaks and whitespace folded away.
``tests/unit/test_leaks.py`` plants every form and shows it found.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from pathlib import Path

from cryptography.hazmat.primitives import serialization

RUN = 45  # bytes per sampled run: 90 hex digits, 60 base64 characters
# literal escapes of line breaks (JSON, repr) and whitespace; removed before the second search
_FOLD = re.compile(r"(?:\\r|\\n|\s)+")
_BASE64ISH = re.compile(r"[A-Za-z0-9+/]{16,}")


def byte_forms(data: bytes, starts: tuple[int, ...] | None = None) -> list[str]:
    """Needles for runs of data as hex (lower, upper, \\x escapes) and as base64 at each of the 3 alignments."""
    if len(data) < RUN + 2:
        starts = (0,)
        run = max(3, (len(data) - 2) // 3 * 3)
    else:
        run = RUN
        starts = starts or (0, (len(data) - run - 2) // 2, len(data) - run - 2)
    found = []
    for start in starts:
        piece = data[start : start + run]
        found += [piece.hex(), piece.hex().upper(), "".join("\\x%02x" % b for b in piece[:16])]
        for shift in range(3):
            aligned = data[start + shift : start + shift + run]
            if len(aligned) == run:
                found.append(base64.b64encode(aligned).decode())
    return found


def password_forms(password: str) -> list[str]:
    """A password as a bug would print it: raw, JSON-escaped, URL-encoded (both ways), Python repr'd."""
    if not password:
        return []
    forms = {
        password,
        json.dumps(password)[1:-1],
        json.dumps(password, ensure_ascii=False)[1:-1],
        urllib.parse.quote(password, safe=""),
        urllib.parse.quote_plus(password),
        repr(password)[1:-1],
    }
    return sorted(forms)


def key_material(keys) -> list[str]:
    """Recognisable pieces of each private key: PEM lines, DER as hex and base64, the private number."""
    found = []
    for key in keys:
        der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        pem_lines = (
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            .decode()
            .splitlines()[1:-1]
        )
        found += [*pem_lines[1:4], *byte_forms(der)]
        numbers = key.private_numbers()
        private_value = getattr(numbers, "d", None) or numbers.private_value
        found += [str(private_value)[:40], format(private_value, "x")[:40]]
    return found


def file_material(paths) -> list[str]:
    """Pieces of certificate files as they would show if a file's bytes were printed, diffed or base64'd."""
    found = []
    for path in paths:
        data = Path(path).read_bytes()
        if len(data) > 200:
            found += byte_forms(data)
    return found


def leaks(text: str, secrets: list[str]) -> list[str]:
    """The secrets present in text (the caller reports how many, never which).

    A secret of base64/hex characters is looked for as it is and in the text with line breaks folded away; any
    other (a password) in each of its password_forms()."""
    folded = None
    found = []
    for secret in secrets:
        if not secret:
            continue
        if _BASE64ISH.fullmatch(secret):
            folded = _FOLD.sub("", text) if folded is None else folded
            if secret in text or secret in folded:
                found.append(secret)
        elif any(form in text for form in password_forms(secret)):
            found.append(secret)
    return found
