# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What must never appear in any output: passwords, private-key bytes, certificate file bytes."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization


def key_material(keys) -> list[str]:
    """Recognisable pieces of each private key: PEM lines, DER in hex and base64, the private number."""
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
        found += [*pem_lines[1:4], der[-48:].hex(), base64.b64encode(der[-48:]).decode()[:32]]
        numbers = key.private_numbers()
        private_value = getattr(numbers, "d", None) or numbers.private_value
        found += [str(private_value)[:40], format(private_value, "x")[:40]]
    return found


def file_material(paths) -> list[str]:
    """Pieces of certificate files as they would show if a file's bytes were printed or diffed."""
    found = []
    for path in paths:
        data = Path(path).read_bytes()
        if len(data) > 200:
            found += [base64.b64encode(data[100:160]).decode(), data[100:140].hex()]
    return found


def leaks(text: str, secrets: list[str]) -> list[str]:
    """The secrets present in text (the caller reports how many, never which)."""
    return [secret for secret in secrets if secret and secret in text]
