# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What `ansible-galaxy collection build` ships: only what users run, nothing named like a secret, and the one
collection it depends on declared."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile

from tests.support.collection import REPO, ansible_env

SHIPPED = {
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "execution-environment.yml",
    "extras",  # Zabbix template, systemd units, Prometheus alert rules: for the monitoring, not for Ansible
    "LICENSES",
    "changelogs",
    "docs",
    "meta",
    "playbooks",
    "plugins",
    "roles",
}
SECRET_LOOKING = re.compile(r"(?i)(passw|secret|private|\.(pfx|p12|pem|key|cer|crt|der)$|^id_(rsa|ed25519|ecdsa))")


def built(folder):
    """The collection's tarball as ansible-galaxy builds it from this checkout."""
    subprocess.run(
        [sys.executable, "-m", "ansible.cli.galaxy", "collection", "build", "--output-path", str(folder), str(REPO)],
        env=ansible_env(),
        check=True,
        capture_output=True,
    )
    (tarball,) = folder.glob("esus-pec-*.tar.gz")
    return tarball


def test_the_tarball_holds_only_what_users_run(tmp_path):
    tarball = built(tmp_path)
    with tarfile.open(tarball) as archive:
        names = [member.name for member in archive.getmembers()]
    top = {name.split("/", 1)[0] for name in names}
    assert top - SHIPPED == set(), "shipped but not for users: %s" % sorted(top - SHIPPED)
    assert {"plugins", "roles", "playbooks", "meta", "README.md"} <= top
    suspicious = [name for name in names if SECRET_LOOKING.search(name.rsplit("/", 1)[-1])]
    assert suspicious == [], "named like a key, a password or a certificate: %s" % suspicious
    assert "plugins/modules/certificate_deploy.py" in names and "playbooks/deploy.yml" in names
    assert "extras/prometheus/esus_pec_rules.yml" in names


FQCN_TASK = re.compile(r"^\s*(?:- )?([a-z0-9_]+\.[a-z0-9_]+)\.[a-z0-9_]+:\s*(?:#.*)?$", re.M)


def test_the_only_collection_it_depends_on_is_declared(tmp_path):
    """galaxy.yml declares community.general (the report's mail, community.general.mail) and nothing else; the
    roles and playbooks it ships call no module of an undeclared collection."""
    tarball = built(tmp_path)
    used = set()
    with tarfile.open(tarball) as archive:
        manifest = json.load(archive.extractfile("MANIFEST.json"))
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith(("roles/", "playbooks/")) and member.name.endswith(".yml"):
                used |= set(FQCN_TASK.findall(archive.extractfile(member).read().decode("utf-8")))
    assert manifest["collection_info"]["dependencies"] == {"community.general": ">=11.0.0"}
    assert used - {"ansible.builtin", "esus.pec"} == {"community.general"}
