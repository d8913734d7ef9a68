# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's round trips, counted in real ansible-playbook runs on a sandbox PEC folder.

One execution of the probe reads everything; a second writes the local fact only when it differs from the
one the last audit left: 2 on a first audit or after a change, 1 when nothing changed, 1 in check mode (no
fact written). The probe is host_probe run directly by the host's Python ("direct": one command, no
AnsiballZ); the fact is written by the pec_probe module ("module"); when the direct run gives no answer the
module reads instead. The host lands in rnds_ready or rnds_not_ready from the same task (no group_by task).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.audit import audit_play, sandbox_pec
from tests.support.collection import ansible_env, run_playbook
from tests.support.pki import cnpj

CNPJ = cnpj("606060600001")
PASSWORD = "Audit-round-trips-1"
PLAYBOOK = audit_play(
    CNPJ,
    "add_to_group: true",
    task_keywords=("changed_when: audited.fact_changed  # as the role does: not the in-memory group membership",),
    then="""
    - name: Show the groups
      ansible.builtin.debug:
        msg: >-
          GROUPS {{ {'ready': groups['rnds_ready'] | default([]),
                     'not_ready': groups['rnds_not_ready'] | default([])} | to_json }}
""",
)


@pytest.fixture()
def sandbox(pki, tmp_path):
    root, host = sandbox_pec(pki, tmp_path, CNPJ, PASSWORD, "round-trips")
    playbook = tmp_path / "audit.yml"
    playbook.write_text(PLAYBOOK)
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"pec": {"hosts": {"pec-audit": host}}}))
    env = ansible_env(ANSIBLE_PIPELINING="0", ANSIBLE_LOCAL_TEMP=str(tmp_path / "local_tmp"))
    chaves = root / "chaves"
    return {"playbook": playbook, "inventory": inventory, "env": env, "chaves": chaves, "fact": tmp_path / "facts.d"}


def executions(output: str) -> tuple:
    """The host-side executions of the probe in a -vvvv log, in order: "direct" or "module"."""
    found = re.findall(r"^<[^>]+> (EXEC .*esus\.pec host_probe|PUT \S+ TO \S+/AnsiballZ_pec_probe\.py)", output, re.M)
    return tuple("direct" if line.startswith("EXEC") else "module" for line in found)


def audit(sandbox, *options: str) -> tuple[tuple, dict, str]:
    result = run_playbook(sandbox["playbook"], sandbox["inventory"], sandbox["env"], "-vvvv", *options)
    assert result.returncode == 0, result.stdout[-3000:]
    probes = executions(result.stdout)
    groups = json.loads(re.search(r'"GROUPS (\{.*\})"', result.stdout).group(1).replace('\\"', '"'))
    changed = int(re.search(r"pec-audit\s+:.*changed=(\d+)", result.stdout).group(1))
    return probes, groups, "changed=%d" % changed


def test_two_executions_first_then_one_while_nothing_changes(sandbox):
    ready = {"ready": ["pec-audit"], "not_ready": []}
    assert audit(sandbox) == (("direct", "module"), ready, "changed=1")
    assert json.loads(next(sandbox["fact"].iterdir()).read_text())["rnds_ready"] is True
    assert audit(sandbox) == (("direct",), ready, "changed=0")
    assert audit(sandbox, "--check") == (("direct",), ready, "changed=0")


def test_a_change_on_the_host_is_written_once(sandbox):
    audit(sandbox)
    (sandbox["chaves"] / "3550308.pfx").unlink()
    not_ready = {"ready": [], "not_ready": ["pec-audit"]}
    assert audit(sandbox, "--check") == (("direct",), not_ready, "changed=1")  # would write
    assert audit(sandbox) == (("direct", "module"), not_ready, "changed=1")
    assert json.loads(next(sandbox["fact"].iterdir()).read_text())["rnds_ready"] is False
    assert audit(sandbox) == (("direct",), not_ready, "changed=0")


def test_the_fact_is_not_touched_when_unchanged(sandbox):
    audit(sandbox)
    fact = next(sandbox["fact"].iterdir())
    before = fact.stat().st_mtime_ns, fact.stat().st_ino
    audit(sandbox)
    assert (fact.stat().st_mtime_ns, fact.stat().st_ino) == before
    assert Path(fact).read_text().endswith("}\n")
