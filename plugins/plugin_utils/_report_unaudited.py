# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Why a host was not audited, from what Ansible left of its audit task (the registered result of a failed or
unreachable host), and what the report reads of a host from its inventory. Private to the collection.

Ansible's own error messages are outside input (they are not our sentences): the few words that tell the causes
apart are matched here, once, and only the code goes on. No part of the message reaches the report: a failed
task's message is not ours to vouch for (secrets).
"""

from __future__ import annotations

import fnmatch

from ansible_collections.esus.pec.plugins.plugin_utils._report_grouping import NOT_AUDITED

UNREACHABLE = "audit.unreachable"
BECOME_FAILED = "audit.become_failed"
NO_PYTHON = "audit.no_python"
AUDIT_FAILED = "audit.failed"

# sudo/su/runas said no or wanted a password (ssh, local and paramiko connections; sudo's own words)
_BECOME_WORDS = (
    "missing sudo password",
    "incorrect sudo password",
    "missing become password",
    "incorrect become password",
    "missing su password",
    "incorrect su password",
    "sudo: a password is required",
    "is not in the sudoers file",
    "is not allowed to execute",
    "privilege escalation",
    "sorry, try again",
)
# the interpreter Ansible starts the module with is not there
_PYTHON_WORDS = (
    "you probably need to set the interpreter",
    "module interpreter",  # "The module interpreter '/usr/bin/python3' was not found." (ansible-core 2.19)
    "python: not found",
    "python3: not found",
    "python: command not found",
    "python3: command not found",
    "no python interpreters found",
    "python: no such file",
    "python3: no such file",
)
# the inventory variables a report row shows for a host that was not audited (an audited host's come with its audit)
IDENTITY_VARIABLES = {
    "municipality": "rnds_readiness_municipality",
    "ibge": "rnds_certificate_ibge_code",
    "uf": "rnds_readiness_uf",
}


def _said(result: dict) -> str:
    parts = [result.get(key) for key in ("msg", "module_stderr", "module_stdout", "stderr")]
    return " ".join(part for part in parts if isinstance(part, str))[:4000].lower()


def unaudited_code(result) -> str:
    """The code of a host whose audit gave no readiness: ``result`` is its registered audit result (None when the
    audit never ran on it)."""
    if not isinstance(result, dict) or not (result.get("failed") or result.get("unreachable")):
        return NOT_AUDITED
    said = _said(result)
    if any(words in said for words in _BECOME_WORDS):
        return BECOME_FAILED
    if any(words in said for words in _PYTHON_WORDS) or (result.get("rc") == 127 and "python" in said):
        return NO_PYTHON
    if result.get("unreachable"):
        return UNREACHABLE
    return AUDIT_FAILED


def identity(variables) -> dict:
    """municipality, ibge and uf of a host from its inventory variables (a mapping; '' where unset or unusable)."""
    found = {}
    for field, name in IDENTITY_VARIABLES.items():
        try:
            value = variables.get(name)
        except Exception:  # a variable that cannot be templated leaves the cell empty, the row stays
            value = None
        found[field] = value if isinstance(value, str) else "" if value is None else str(value)
    return found


def named_groups(groups: dict, patterns: list) -> dict:
    """Host: the inventory groups matching ``patterns`` (fnmatch: 'regional_*', 'drs_sp_*'), in sorted order."""
    per_host: dict = {}
    if not patterns:
        return per_host
    for group in sorted(groups or {}):
        if group in ("all", "ungrouped") or not any(fnmatch.fnmatchcase(group, p) for p in patterns):
            continue
        for host in groups[group] or []:
            per_host.setdefault(host, []).append(group)
    return per_host
