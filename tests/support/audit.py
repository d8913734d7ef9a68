# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A sandbox PEC server audited over the local connection: the folder, the host's variables, the audit task."""

from __future__ import annotations

import getpass
import grp
import os
import sys
from pathlib import Path


def audit_play(expected_cnpj: str, *extra: str, task_keywords: tuple = (), then: str = "") -> str:
    """A play auditing the hosts of group ``pec`` with esus.pec.rnds_audit (no network check, result registered
    as ``audited``), reading sandbox_pec's variables. ``extra`` lines are more arguments of the module
    (``add_to_group: true``), ``task_keywords`` more lines of the task (``changed_when: ...``); ``then`` is more
    tasks, as YAML indented for the play's task list."""
    lines = [
        "- name: Audit the sandbox PEC",
        "  hosts: pec",
        "  gather_facts: false",
        "  tasks:",
        "    - name: Audit",
        "      esus.pec.rnds_audit:",
        '        pec_root: "{{ pec_root }}"',
        '        password: "{{ certificate_password }}"',
        '        expected_cnpj: "%s"' % expected_cnpj,
        '        owner: "{{ owner }}"',
        '        group: "{{ group }}"',
        "        check_network: false",
        '        fact_path: "{{ fact_path }}"',
        '        pec_config: "{{ pec_config }}"',
        '        pec_service: "{{ pec_service }}"',
        *("        %s" % line for line in extra),
        "      register: audited",
        *("      %s" % line for line in task_keywords),
    ]
    return "\n".join(lines) + "\n" + then


def sandbox_pec(pki, tmp_path: Path, cnpj_value: str, password: str, name: str) -> tuple[Path, dict]:
    """(the PEC webserver folder, the host's variables): a PEC installed as the installer leaves it (its
    pec.config under tmp_path, tests/support/pec_tree.py), chaves 0750 holding one certificate 0600, the local
    connection, this Python, the fact file under tmp_path; no service to ask about (a sandbox folder has none)."""
    from tests.support.pec_tree import build

    root = tmp_path / "pec" / "webserver"
    build(root, tmp_path / "pec.config")
    chaves = root / "chaves"
    chaves.mkdir(parents=True)
    chaves.chmod(0o750)
    key, cert = pki.leaf(key=pki.key("ec", name), cnpj_value=cnpj_value)
    (chaves / "3550308.pfx").write_bytes(pki.pfx("%s.pfx" % name, key, cert, password).read_bytes())
    (chaves / "3550308.pfx").chmod(0o600)
    host = {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "pec_root": str(root),
        "certificate_password": password,
        "owner": getpass.getuser(),
        "group": grp.getgrgid(os.getgid()).gr_name,
        "fact_path": str(tmp_path / "facts.d" / "esus_pec_rnds.fact"),
        "pec_config": str(tmp_path / "pec.config"),
        "pec_service": "",
    }
    return root, host
