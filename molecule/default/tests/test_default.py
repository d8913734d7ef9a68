# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Three municipalities after deploy, idempotence, check mode and a renewal of the first one."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
FLEET = json.loads((EPHEMERAL / "fleet.json").read_text())
PROJECT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
VAULT_PASSWORD = PROJECT / "molecule" / "shared" / "vault-password"
CHAVES = "/opt/e-SUS/webserver/chaves"
BACKUPS = "/opt/e-SUS/webserver/esus-pec-backups"
RENEWED = "pec-3550308"


def plain_bytes(vaulted: str) -> bytes:
    """The certificate as the host must hold it: decrypted from the vault."""
    return subprocess.run(
        ["ansible-vault", "decrypt", "--vault-password-file", str(VAULT_PASSWORD), "--output", "-", vaulted],
        check=True,
        capture_output=True,
    ).stdout


@pytest.fixture()
def name(host):
    return host.backend.get_hostname()


@pytest.fixture()
def certificate(host, name):
    return host.file("%s/%s.pfx" % (CHAVES, name.split("-")[1]))


def test_chaves_belongs_to_root_and_is_closed_to_others(host):
    chaves = host.file(CHAVES)
    assert chaves.is_directory
    assert chaves.user == "root"
    assert chaves.group == "root"
    assert oct(chaves.mode) == "0o750"


def test_certificate_is_private_to_root(certificate):
    assert certificate.is_file
    assert certificate.user == "root"
    assert certificate.group == "root"
    assert oct(certificate.mode) == "0o600"


def test_certificate_is_exactly_the_validated_file(certificate, name):
    source = FLEET[name]["pfx_next" if name == RENEWED else "pfx"]
    assert certificate.sha256sum == hashlib.sha256(plain_bytes(source)).hexdigest()


def test_renewal_kept_a_backup_of_the_previous_certificate_where_pec_does_not_look(host, name):
    backups = host.run("find %s -name '*.pfx.*~'" % BACKUPS).stdout.split()
    assert host.run("find %s -mindepth 1 -name '.*'" % CHAVES).stdout.split() == []  # no staging file left
    if name != RENEWED:
        assert backups == []
        return
    assert len(backups) == 1
    assert host.file(backups[0]).sha256sum == hashlib.sha256(plain_bytes(FLEET[name]["pfx"])).hexdigest()
    assert oct(host.file(backups[0]).mode) == "0o600" and host.file(backups[0]).user == "root"
    assert oct(host.file(BACKUPS).mode) == "0o700"


def test_the_release_under_test(host, name):
    """Debian 11, 12 and 13 hosts; only 12 has python3-cryptography, which deploy does not need."""
    release = host.system_info.release.split(".")[0]
    assert release == {"pec-3550308": "11", "pec-3304557": "12", "pec-5300108": "13"}[name]
    has_cryptography = host.run("python3 -c 'import cryptography'").rc == 0
    assert has_cryptography is (release == "12")


def test_other_certificates_are_left_in_place_by_default(host, name):
    old = host.file(CHAVES + "/antigo.pfx")
    assert old.exists is (name == "pec-3304557")


def test_pec_tree_created_only_where_asked(host, name):
    assert host.file("/opt/e-SUS/webserver").is_directory
    assert host.file("/opt/e-SUS/webserver/config").exists is (name != "pec-5300108")


def test_no_password_in_any_file_on_the_host(host, name):
    password = FLEET[name]["password"]
    command = host.run(
        "grep -rlF -f /dev/stdin / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir=run "
        "<<'ESUS_EOF'\n%s\nESUS_EOF" % password
    )
    assert command.rc == 1, command.stdout


def test_no_temp_files_left_on_the_host(host):
    """Nothing in the admin's or root's Ansible temp folders, nor in /tmp (the certificate travels there)."""
    leftovers = host.run(
        "find /home/pecadmin/.ansible/tmp /root/.ansible/tmp /tmp -mindepth 1 2>/dev/null"
    ).stdout.split()
    assert leftovers == []
