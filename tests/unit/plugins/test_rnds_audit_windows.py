# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Windows probe of esus.pec.rnds_audit, checked against the ansible.windows modules' real argument specs.

No Windows host exists here (see tests/unit/roles/test_rnds_certificate_tasks.py): the calls the action makes
on Windows are built by plain functions, so each one is checked against ``ansible-doc -j`` of its module.
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.action.rnds_audit import WINDOWS_ROOT, windows_calls, windows_fact_call
from tests.support.argspec import argument_problems, specs

ENDPOINTS = [{"host": "ehr-auth.saude.gov.br", "port": 443}, {"host": "ehr-auth-hmg.saude.gov.br"}]


def calls() -> list:
    made = [(module, arguments) for _key, module, arguments in windows_calls(WINDOWS_ROOT, ENDPOINTS, 2.5)]
    made.append(windows_fact_call("C:\\ProgramData\\esus.pec\\facts.d\\x.json", {"rnds_ready": True}))
    made.append(("ansible.builtin.slurp", {"src": WINDOWS_ROOT + "\\chaves\\3550308.pfx"}))
    return made


def test_every_windows_call_matches_its_module():
    made = calls()
    documented = specs(tuple(sorted({module for module, _arguments in made})))
    problems = [p for module, arguments in made for p in argument_problems(module, arguments, documented[module])]
    assert problems == []


def test_the_windows_probe_reads_pec_chaves_files_acl_and_network():
    keys = [key for key, _module, _arguments in windows_calls(WINDOWS_ROOT, ENDPOINTS, 5)]
    assert keys == ["pec", "chaves", "files", "acl", "network", "network"]


def test_a_wrong_argument_would_be_caught():
    documented = specs(("ansible.windows.win_wait_for",))
    problems = argument_problems(
        "ansible.windows.win_wait_for", {"host": "x", "prot": 443}, documented["ansible.windows.win_wait_for"]
    )
    assert any("prot" in p for p in problems)
