# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prometheus (issue 25) with Prometheus' own tool: the shipped alert rules pass ``promtool check rules`` and
``promtool test rules`` (each alert fires for one host and not for another), a rule changed the wrong way makes
that test fail, and the fleet report's readiness.prom, written by a real esus.pec.readiness_report run, passes
``promtool check metrics``. The per-host files are checked in test_audit_round_trips.py. What these files hold
is copied to .cache/results/monitoring/ (docs/monitoring.md shows it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils.readiness import assess
from tests.support.collection import REPO, ansible_env, run_playbook

RULES = REPO / "extras" / "prometheus" / "esus_pec_rules.yml"
RULES_TEST = Path(__file__).resolve().parent / "prometheus" / "esus_pec_rules_test.yml"
RESULTS = REPO / ".cache" / "results" / "monitoring"


def promtool(*arguments: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    assert shutil.which("promtool"), "promtool is missing: scripts/lib.sh installs it (Debian package prometheus)"
    return subprocess.run(["promtool", *arguments], cwd=cwd, input=stdin, capture_output=True, text=True)


def test_the_rules_are_valid():
    done = promtool("check", "rules", str(RULES))
    assert done.returncode == 0 and "SUCCESS: 3 rules found" in done.stdout, done.stdout + done.stderr


def test_each_alert_fires_and_does_not_fire_as_its_test_says():
    done = promtool("test", "rules", RULES_TEST.name, cwd=RULES_TEST.parent)
    assert done.returncode == 0 and "SUCCESS" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("right", "wrong"),
    [
        ("< 30 * 86400", "< 300 * 86400"),  # would alert on a certificate 100 days from expiry
        ("for: 1d", "for: 1h"),  # would alert on a host not ready for an hour
        ("> 8 * 86400", "> 10 * 86400"),  # would stay quiet on a 9-day-old audit
    ],
)
def test_the_rules_test_catches_a_wrong_rule(tmp_path, right, wrong):
    rules = tmp_path / "extras" / "prometheus" / "esus_pec_rules.yml"
    rules.parent.mkdir(parents=True)
    text = RULES.read_text()
    assert right in text
    rules.write_text(text.replace(right, wrong))
    test = tmp_path / "tests" / "integration" / "prometheus" / RULES_TEST.name
    test.parent.mkdir(parents=True)
    test.write_text(RULES_TEST.read_text())
    done = promtool("test", "rules", test.name, cwd=test.parent)
    assert done.returncode != 0 and "FAILED" in done.stdout + done.stderr


EXPECTED = {"pec_root": "/opt/e-SUS/webserver", "chaves": "/opt/e-SUS/webserver/chaves", "owner": "root",
            "group": "root", "dir_mode": "0750"}  # fmt: skip


def host(days: int | None, verdict: str = "ok", files: list | None = None) -> dict:
    probe = {
        "pec": {"installed": True, "version": "5.3.21"},
        "chaves": {"exists": True, "is_dir": True, "owner": "root", "group": "root", "mode": "0750"},
        "files": [{"name": "c.pfx", "size": 3000, "sha1": "a"}] if files is None else files,
        "network": [{"host": "ehr-auth.saude.gov.br", "port": 443, "reachable": True, "error": None}],
    }
    report = None
    if days is not None:
        report = {
            "verdict": verdict,
            "msg": verdict,
            "certificate": {"days_left": days, "not_after": "2027-01-01T00:00:00Z"},
        }
    return dict(assess(probe, report, EXPECTED), municipality="MUNICIPIO %d" % (days or 0), uf="SP")


PLAY = """
- name: Write the fleet report
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Report
      esus.pec.readiness_report:
        hosts: "{{ report_hosts }}"
        readiness: "{{ report_readiness }}"
        dest: "{{ report_dir }}"
        generated: "2026-12-07T06:00:00Z"
"""


def test_the_fleet_file_passes_promtool_and_counts(tmp_path):
    readiness = {
        "pec-ok": host(200),
        "pec-expiring": host(12, "expiring"),
        "pec-60": host(50),
        "pec-expired": host(-3, "expired"),
        "pec-wrong": host(150, "wrong_password"),
        "pec-empty": host(None, files=[]),
    }
    playbook = tmp_path / "report.yml"
    playbook.write_text(PLAY)
    variables = tmp_path / "vars.json"
    hosts = [*readiness, "pec-unreachable"]
    report_dir = tmp_path / "report"
    variables.write_text(
        json.dumps({"report_hosts": hosts, "report_readiness": readiness, "report_dir": str(report_dir)})
    )
    options = ("-c", "local", "-e", "ansible_python_interpreter=%s" % sys.executable, "-e", "@%s" % variables)
    checked = run_playbook(playbook, Path("localhost,"), ansible_env(), "--check", *options)
    assert checked.returncode == 0 and not report_dir.exists(), checked.stdout[-2000:]  # --check writes nothing
    done = run_playbook(playbook, Path("localhost,"), ansible_env(), *options)
    assert done.returncode == 0, done.stdout[-3000:]
    fleet = report_dir / "readiness.prom"
    text = fleet.read_text()
    check = promtool("check", "metrics", stdin=text)
    assert check.returncode == 0, check.stdout + check.stderr
    for line in (
        "esus_pec_fleet_hosts 7",
        "esus_pec_fleet_ready 3",
        'esus_pec_fleet_not_ready{code="certificate.expired"} 1',
        'esus_pec_fleet_not_ready{code="certificate.wrong_password"} 1',
        'esus_pec_fleet_not_ready{code="certificate_file.missing"} 1',
        'esus_pec_fleet_expiring{within_days="30"} 1',
        'esus_pec_fleet_expiring{within_days="60"} 2',
        'esus_pec_fleet_expiring{within_days="90"} 2',
        "esus_pec_fleet_not_audited 1",
    ):
        assert line + "\n" in text
    RESULTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(fleet, RESULTS / "readiness.prom")
