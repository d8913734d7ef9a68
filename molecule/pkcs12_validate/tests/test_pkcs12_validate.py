# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""On the container: the verdicts converge saved, and what the checks left behind (nothing)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

CASES = json.loads((Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "cases.json").read_text())


@pytest.fixture(scope="module")
def verdicts(host):
    saved = host.file("/var/lib/esus-pec-test/verdicts.json")
    assert saved.user == "root"
    assert oct(saved.mode) == "0o600"
    return json.loads(saved.content_string)


@pytest.mark.parametrize("name", sorted(CASES))
def test_module_on_the_host_gives_the_expected_verdict(verdicts, name):
    assert verdicts["module"][name] == CASES[name]["verdict"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_action_on_the_controller_agrees_with_the_host(verdicts, name):
    assert verdicts["action"][name] == verdicts["module"][name]


def test_host_runs_an_older_cryptography_than_the_controller(host):
    """The module face must work with what Debian 12 ships, not only with the controller's version."""
    version = host.check_output("python3 -c 'import cryptography; print(cryptography.__version__)'")
    assert int(version.split(".")[0]) < 42


def test_certificates_are_untouched(host, verdicts):
    for name, case in CASES.items():
        if case["verdict"] == "missing":
            assert not host.file("/srv/certs/" + Path(case["file"]).name).exists
            continue
        local = Path(case["file"]).read_bytes()
        remote = host.file("/srv/certs/" + Path(case["file"]).name)
        assert remote.sha256sum == hashlib.sha256(local).hexdigest(), name
        assert oct(remote.mode) == "0o600"
        assert verdicts["checksums"][name] == hashlib.sha1(local).hexdigest()


def test_no_temp_files_left_on_the_host(host):
    leftovers = host.run(
        "find /home/pecadmin/.ansible/tmp /root/.ansible/tmp /tmp -mindepth 1 2>/dev/null"
    ).stdout.split()
    assert leftovers == []


def test_no_password_in_any_file_on_the_host(host):
    passwords = sorted({case["password"] for case in CASES.values() if len(case["password"]) >= 6})
    assert passwords
    patterns = "\n".join(passwords)
    command = host.run(
        "grep -rlF -f /dev/stdin / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir=run "
        "<<'ESUS_EOF'\n%s\nESUS_EOF" % patterns
    )
    assert command.rc == 1, command.stdout  # grep: 1 = no match anywhere
