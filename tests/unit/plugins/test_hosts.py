# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one platform seam (plugins/plugin_utils/hosts.py): one Windows rule, read by the actions from their live
connection and by the playbooks' ``become`` through the esus.pec.windows_host filter, and PEC's default root from
one place (the roles pass an empty root and the actions pick the platform's)."""

from __future__ import annotations

import re
import subprocess
from types import SimpleNamespace

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import shell_loader
from ansible.template import Templar

from ansible_collections.esus.pec.plugins.module_utils.pec_layout import LINUX_PEC_ROOT, WINDOWS_PEC_ROOT
from ansible_collections.esus.pec.plugins.plugin_utils.hosts import LINUX, WINDOWS, platform_of, windows_host
from tests.support.collection import REPO

# (ansible_connection, ansible_shell_type) -> Windows?
CASES = [
    ("ssh", "", False),
    ("ssh", "sh", False),
    ("local", "", False),
    ("paramiko_ssh", "", False),
    ("ansible.builtin.ssh", "", False),
    ("community.docker.docker", "", False),
    ("winrm", "", True),
    ("psrp", "", True),
    ("ansible.builtin.winrm", "", True),
    ("ansible.builtin.psrp", "", True),
    ("ssh", "powershell", True),
    ("ssh", "cmd", True),
]


@pytest.mark.parametrize("connection, shell, expected", CASES)
def test_the_rule(connection, shell, expected):
    assert windows_host(connection, shell) is expected


@pytest.mark.parametrize("shell, expected", [("sh", LINUX), ("powershell", WINDOWS), ("cmd", WINDOWS)])
def test_an_action_reads_its_live_connection_shell(shell, expected):
    connection = SimpleNamespace(_shell=shell_loader.get(shell), _load_name="ssh")
    assert platform_of(connection) == expected


def test_a_winrm_connection_is_windows_whatever_its_shell_says():
    connection = SimpleNamespace(_shell=shell_loader.get("sh"), _load_name="ansible.builtin.winrm")
    assert platform_of(connection).windows


def test_each_platform_says_its_root_separator_and_host_module():
    assert (LINUX.pec_root, LINUX.separator, LINUX.deploy_module) == (
        LINUX_PEC_ROOT,
        "/",
        "esus.pec.chaves_certificate",
    )
    assert (WINDOWS.pec_root, WINDOWS.separator, WINDOWS.deploy_module) == (
        WINDOWS_PEC_ROOT,
        "\\",
        "esus.pec.win_chaves_certificate",
    )
    assert (LINUX_PEC_ROOT, WINDOWS_PEC_ROOT) == ("/opt/e-SUS/webserver", "C:\\Program Files\\e-SUS\\webserver")


def load_play(path) -> dict:
    """The playbook's first play, its strings templates (2.19+ must be told; 2.17 and 2.18 template any string)."""
    loader = DataLoader()
    try:
        return loader.load_from_file(str(path), trusted_as_template=True)[0]
    except TypeError:  # ansible-core 2.17, 2.18: no trusted_as_template
        return loader.load_from_file(str(path))[0]


def template(text: str, **variables):
    return Templar(loader=DataLoader(), variables=variables).template(text)


@pytest.mark.parametrize("connection, shell, expected", CASES)
def test_the_playbooks_become_follows_the_same_rule(connection, shell, expected):
    for name in ("deploy.yml", "readiness.yml"):
        play = load_play(REPO / "playbooks" / name)
        variables = {"ansible_connection": connection}
        if shell:
            variables["ansible_shell_type"] = shell
        assert template(play["become"], **variables) is (not expected), name
        assert template(play["become"], esus_pec_become=True, **variables) is True


def test_the_windows_rule_and_the_roots_are_written_once():
    """No other copy of the rule (a list of Windows connections or shells) nor of the roots in code: the module
    docs may show the defaults, the .ps1 audit probe keeps its documented default, nothing else."""
    tracked = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "plugins", "roles", "playbooks"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    rule = re.compile(r"""['"]winrm['"]|['"]psrp['"]|_IS_WINDOWS|['"]cmd['"]\s*[\])]""")
    roots = re.compile(r"""['"](/opt/e-SUS/webserver|C:\\{1,2}Program Files\\{1,2}e-SUS\\{1,2}webserver)['"]""")
    found_rule, found_root = set(), set()
    for name in tracked:
        path = REPO / name
        if path.suffix not in (".py", ".yml", ".ps1", ".psm1", ".j2"):
            continue
        text = path.read_text(encoding="utf-8")
        if rule.search(text):
            found_rule.add(name)
        if roots.search(text):
            found_root.add(name)
    assert found_rule == {"plugins/plugin_utils/hosts.py"}
    assert found_root == {"plugins/module_utils/pec_layout.py", "plugins/modules/win_pec_probe.ps1"}
