# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The leak detector (tests/support/leaks.py) finds what it is for: each form a bug could print is planted in
text around it and must be found; material of other files and keys must not be."""

from __future__ import annotations

import base64
import json
import textwrap
import urllib.parse

import pytest
from cryptography.hazmat.primitives import serialization

from tests.support.leaks import file_material, key_material, leaks, password_forms

PASSWORD = 'Senha "secreta"/{{ x }} & ç%'


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    from tests.support.pki import Pki

    pki = Pki(tmp_path_factory.mktemp("leaks"))
    key, cert = pki.leaf(key=pki.key("rsa", "leak"))
    other_key, other_cert = pki.leaf(key=pki.key("ec", "other"))
    path = pki.pfx("leak.pfx", key, cert, PASSWORD)
    other = pki.pfx("other.pfx", other_key, other_cert, "other")
    return {"path": path, "data": path.read_bytes(), "key": key, "other": other, "other_key": other_key}


def _around(text: str) -> str:
    return 'ok: [pec-1] => {"changed": false, "msg": "%s", "rc": 0}\n' % text


def _wrapped(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def _file_forms(data: bytes) -> dict[str, str]:
    forms = {}
    for prefix in range(3):  # the file at every alignment inside a larger base64'd buffer
        encoded = base64.b64encode(b"\x00" * prefix + data).decode()
        forms["base64 after %d byte(s)" % prefix] = encoded
        forms["base64 after %d byte(s), wrapped at 64" % prefix] = _wrapped(encoded, 64)
        forms["base64 after %d byte(s), MIME (76, CRLF)" % prefix] = _wrapped(encoded, 76).replace("\n", "\r\n")
        forms["base64 after %d byte(s), wrapped, in JSON" % prefix] = json.dumps({"b": _wrapped(encoded, 64)})
    forms["hex"] = data.hex()
    forms["HEX"] = data.hex().upper()
    forms["hex bytes apart"] = " ".join("%02x" % b for b in data)
    forms["hex in 32-byte lines"] = "\n".join(data[i : i + 32].hex() for i in range(0, len(data), 32))
    forms["\\x escapes"] = "".join("\\x%02x" % b for b in data)
    return forms


@pytest.mark.parametrize("form", list(_file_forms(b"\x00" * 300)))
def test_certificate_bytes_are_found_in_every_form(made, form):
    text = _around(_file_forms(made["data"])[form])
    assert leaks(text, file_material([made["path"]]))


@pytest.mark.parametrize("form", ["pem", "der base64 at 0, 1, 2", "der hex", "private number"])
def test_key_material_is_found(made, form):
    key = made["key"]
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    if form == "pem":
        texts = [
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ).decode()
        ]
    elif form == "der hex":
        texts = [der.hex()]
    elif form == "private number":
        texts = [str(key.private_numbers().d)]
    else:
        texts = [base64.b64encode(b"\x00" * prefix + der).decode() for prefix in range(3)]
    for text in texts:
        assert leaks(_around(text), key_material([key])), text[:40]


@pytest.mark.parametrize(
    "form",
    [
        PASSWORD,
        json.dumps(PASSWORD)[1:-1],
        json.dumps(PASSWORD, ensure_ascii=False)[1:-1],
        urllib.parse.quote(PASSWORD, safe=""),
        urllib.parse.quote_plus(PASSWORD),
        repr(PASSWORD)[1:-1],
    ],
    ids=["raw", "json", "json-unicode", "url", "url-plus", "repr"],
)
def test_a_password_is_found_escaped(form):
    assert form in password_forms(PASSWORD)
    assert leaks(_around(form), [PASSWORD]) == [PASSWORD]


def test_other_material_is_not_found(made):
    """The detector names what it was given, not anything base64- or hex-looking."""
    text = "\n".join(_file_forms(made["other"].read_bytes()).values())
    other = made["other_key"].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    text += other.decode() + _around("Senha secreta") + "".join(password_forms("another password"))
    secrets = [*file_material([made["path"]]), *key_material([made["key"]]), PASSWORD, ""]
    assert leaks(text, secrets) == []


def test_a_short_file_still_gives_needles(tmp_path):
    short = tmp_path / "short.bin"
    short.write_bytes(bytes(range(256)) * 1)
    assert leaks(base64.b64encode(b"\x00" + short.read_bytes()).decode(), file_material([short]))
