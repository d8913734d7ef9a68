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
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.audit import audit_play, sandbox_pec
from tests.support.collection import REPO, ansible_env, run_playbook
from tests.support.pki import cnpj

CNPJ = cnpj("606060600001")
PASSWORD = "Audit-round-trips-1"
PLAYBOOK = audit_play(
    CNPJ,
    "add_to_group: true",
    "metrics_dir: \"{{ metrics_dir | default('') }}\"",
    "metrics_environment: production",
    "record: {ibge: '3550308', municipality: 'SAO \"PAULO\" \\\\ D''OESTE', uf: SP}",
    task_keywords=(
        "changed_when: audited.fact_changed or audited.metrics_changed  # as the role does: not the group membership",
    ),
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
    if sandbox.get("prefix"):  # the controller's clock moved (a_week_later)
        command = [*sandbox["prefix"], "ansible-playbook", "-i", str(sandbox["inventory"]), "-vvvv", *options]
        command.append(str(sandbox["playbook"]))
        result = subprocess.run(command, env=sandbox["env"], capture_output=True, text=True, check=False)
    else:
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


WEEK_LATER = "+7d"
"""How far ahead the controller runs for the week-later audit: libfaketime (Debian's faketime) shifts the clock of
ansible-playbook and everything it starts, as a real Monday a week later would."""


def a_week_later(sandbox) -> dict:
    """The same sandbox, with the controller (and, on the local connection, the host) a week ahead."""
    assert shutil.which("faketime"), "faketime is missing: scripts/lib.sh installs it (Debian package faketime)"
    return dict(sandbox, prefix=("faketime", "-f", WEEK_LATER))


def test_a_week_later_an_unchanged_host_costs_one_command_and_changes_nothing(sandbox):
    """Issue 27: a fact holding days left changed every day, so a weekly audit rewrote every fact (2 executions,
    changed=1 on every host). The fact holds absolute dates and codes: a week later, nothing to write."""
    ready = {"ready": ["pec-audit"], "not_ready": []}
    audit(sandbox)
    fact = next(sandbox["fact"].iterdir())
    before = fact.read_bytes()
    later = a_week_later(sandbox)
    assert audit(later, "--check") == (("direct",), ready, "changed=0")
    assert audit(later) == (("direct",), ready, "changed=0")
    assert fact.read_bytes() == before


@pytest.fixture()
def metered(sandbox, tmp_path):
    """The sandbox with rnds_readiness_metrics_dir set (issue 25): node_exporter's textfile folder."""
    textfile = tmp_path / "textfile"
    hosts = json.loads(sandbox["inventory"].read_text())
    hosts["pec"]["hosts"]["pec-audit"]["metrics_dir"] = str(textfile)
    sandbox["inventory"].write_text(json.dumps(hosts))
    return dict(sandbox, textfile=textfile)


def promtool_check(*files: Path) -> None:
    """promtool check metrics (Prometheus' own linter of the exposition format) on each file."""
    assert shutil.which("promtool"), "promtool is missing: scripts/lib.sh installs it (Debian package prometheus)"
    for file in files:
        done = subprocess.run(["promtool", "check", "metrics"], input=file.read_text(), capture_output=True, text=True)
        assert done.returncode == 0, (file.name, done.stdout, done.stderr)


def test_metrics_ride_on_the_audits_executions(metered):
    """Issue 25: the decision file is written with the fact (the first audit's second execution), the audit's time
    by the look itself; an unchanged host, the same day or a week later, still costs one command, changed=0."""
    ready = {"ready": ["pec-audit"], "not_ready": []}
    assert audit(metered, "--check") == (("direct",), ready, "changed=1")  # would write the fact and the metrics
    assert not metered["textfile"].exists()  # --check writes no metric file
    assert audit(metered) == (("direct", "module"), ready, "changed=1")
    decision = metered["textfile"] / "esus_pec_rnds.prom"
    stamp = metered["textfile"] / "esus_pec_rnds_audit.prom"
    promtool_check(decision, stamp)
    text = decision.read_text()
    labels = 'ibge="3550308",municipality="SAO \\"PAULO\\" \\\\\\\\ D\'OESTE",uf="SP",environment="production"'
    assert "esus_pec_rnds_ready{%s} 1\n" % labels in text
    assert 'esus_pec_check{%s,check="certificate",status="pass",code="certificate.ok"} 1\n' % labels in text
    assert re.search(r"esus_pec_certificate_not_after_seconds\{.*\} \d{10}\n", text)
    assert "PASSWORD" not in text and PASSWORD not in text + stamp.read_text()
    first_stamp = stamp.read_text()
    assert re.search(r"esus_pec_audit_timestamp_seconds\{%s\} \d{10}\n" % re.escape(labels), first_stamp)
    before = decision.stat().st_mtime_ns, decision.stat().st_ino
    assert audit(metered) == (("direct",), ready, "changed=0")
    later = a_week_later(metered)
    assert audit(later, "--check") == (("direct",), ready, "changed=0")
    assert audit(later) == (("direct",), ready, "changed=0")
    assert (decision.stat().st_mtime_ns, decision.stat().st_ino) == before
    seconds = int(stamp.read_text().split()[-1])
    assert seconds - int(first_stamp.split()[-1]) >= 7 * 86400 - 60  # the week-later audit's time
    assert sorted(p.name for p in metered["textfile"].iterdir()) == ["esus_pec_rnds.prom", "esus_pec_rnds_audit.prom"]
    results = REPO / ".cache" / "results" / "monitoring"  # what docs/monitoring.md shows
    results.mkdir(parents=True, exist_ok=True)
    for file in (decision, stamp, next(metered["fact"].iterdir())):
        shutil.copy(file, results / file.name)


def test_a_change_rewrites_the_metrics_with_the_fact(metered):
    audit(metered)
    (metered["chaves"] / "3550308.pfx").unlink()
    not_ready = {"ready": [], "not_ready": ["pec-audit"]}
    assert audit(metered) == (("direct", "module"), not_ready, "changed=1")
    text = (metered["textfile"] / "esus_pec_rnds.prom").read_text()
    assert re.search(r"esus_pec_rnds_ready\{.*\} 0\n", text) and "esus_pec_certificate_not_after_seconds" not in text
    assert 'code="certificate_file.missing"' in text
    assert audit(metered) == (("direct",), not_ready, "changed=0")
