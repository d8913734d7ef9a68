# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Refused hosts are untouched and were told why; the good host in the same run is deployed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
FLEET = json.loads((EPHEMERAL / "fleet.json").read_text())
CHAVES = "/opt/e-SUS/webserver/chaves"


@pytest.fixture()
def name(host):
    return host.backend.get_hostname()


def refusal(name: str) -> str | None:
    path = EPHEMERAL / ("refused-%s.txt" % name)
    return path.read_text() if path.exists() else None


def test_refused_hosts_were_told_why(name):
    message = refusal(name)
    if name == "pec-good":
        assert message is None
        return
    assert message is not None, "the role did not refuse %s" % name
    assert FLEET[name]["expect"] in message
    assert "host %s" % name in message
    assert Path(FLEET[name]["pfx"]).name in message
    assert "Nothing was changed on the host" in message


def test_refused_hosts_are_untouched(host, name):
    chaves = host.file(CHAVES)
    if name == "pec-good":
        assert chaves.is_directory
        assert oct(host.file(CHAVES + "/certificado.pfx").mode) == "0o600"
        return
    assert not chaves.exists
    assert host.file("/opt/e-SUS/webserver/config/application.properties").exists


def test_no_password_on_any_host(host, name):
    command = host.run(
        "grep -rlF -f /dev/stdin / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir=run "
        "<<'ESUS_EOF'\n%s\nESUS_EOF" % FLEET[name]["password"]
    )
    assert command.rc == 1, command.stdout
