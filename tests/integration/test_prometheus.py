# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prometheus (issue 25) with Prometheus' own tool: the shipped alert rules pass ``promtool check rules`` and
``promtool test rules`` (each alert fires for one host and not for another), a rule changed the wrong way makes
that test fail, and the fleet report's readiness.prom, written by a real esus.pec.readiness_report run, passes
``promtool check metrics``. The per-host files are checked in test_audit_round_trips.py. What these files hold
is copied to .cache/results/monitoring/ (docs/monitoring.md shows it)."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils.readiness import assess
from tests.support.audit import audit_play, sandbox_pec
from tests.support.collection import REPO, ansible_env, run_playbook
from tests.support.pki import cnpj

RULES = REPO / "extras" / "prometheus" / "esus_pec_rules.yml"
RULES_TEST = Path(__file__).resolve().parent / "prometheus" / "esus_pec_rules_test.yml"
RESULTS = REPO / ".cache" / "results" / "monitoring"
CNPJ = cnpj("707070700001")
PASSWORD = "Prometheus-shows-1"


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def query(port: int, promql: str) -> list:
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": promql}))
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.loads(answer.read())["data"]["result"]


def shown(results: list) -> list:
    """Series as Prometheus' console shows them: name{labels} value, labels sorted."""
    lines = []
    for item in results:
        labels = dict(item["metric"])
        name = labels.pop("__name__", "")
        inside = ",".join('%s="%s"' % (key, labels[key]) for key in sorted(labels))
        lines.append("%s{%s} %s" % (name, inside, item["value"][1]))
    return sorted(lines)


AUDIT = audit_play(
    CNPJ,
    'metrics_dir: "{{ metrics_dir }}"',
    "metrics_environment: production",
    "record: {ibge: '{{ ibge }}', municipality: '{{ municipality }}', uf: SP}",
)


def test_what_prometheus_shows(pki, tmp_path):
    """Two PEC servers audited for real (one whose certificate expires in 20 days, one with none in chaves), each
    with its own node_exporter reading its textfile folder, one Prometheus scraping both with the shipped rules:
    the series and alerts a state team sees (copied to .cache/results/monitoring/prometheus.txt)."""
    for tool in ("prometheus", "prometheus-node-exporter"):
        assert shutil.which(tool), "%s is missing: scripts/lib.sh installs it (Debian package of that name)" % tool
    hosts = {}
    for name, ibge, municipality in (("pec-a", "3550308", "SAO PAULO"), ("pec-b", "3509502", "CAMPINAS")):
        root, variables = sandbox_pec(pki, tmp_path / name, CNPJ, PASSWORD, name)
        pfx = root / "chaves" / "3550308.pfx"
        if name == "pec-a":  # a certificate that expires in 20 days
            key, cert = pki.leaf(key=pki.key("ec", name + "-20"), cnpj_value=CNPJ, days_to=20)
            pfx.write_bytes(pki.pfx("%s-20.pfx" % name, key, cert, PASSWORD).read_bytes())
        else:  # nothing in chaves: not ready
            pfx.unlink()
        textfile = tmp_path / name / "textfile"
        hosts[name] = dict(variables, metrics_dir=str(textfile), ibge=ibge, municipality=municipality)
    playbook = tmp_path / "audit.yml"
    playbook.write_text(AUDIT)
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"pec": {"hosts": hosts}}))
    done = run_playbook(playbook, inventory, ansible_env(ANSIBLE_LOCAL_TEMP=str(tmp_path / "local_tmp")))
    assert done.returncode == 0, done.stdout[-3000:]
    processes = []
    try:
        targets = []
        for name in hosts:
            port = free_port()
            command = [
                "prometheus-node-exporter",
                "--web.listen-address=127.0.0.1:%d" % port,
                "--collector.disable-defaults",
                "--collector.textfile",
                "--collector.textfile.directory=%s" % hosts[name]["metrics_dir"],
            ]
            processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            targets.append({"targets": ["127.0.0.1:%d" % port], "labels": {"instance": name}})
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [{"job_name": "pec", "static_configs": targets}],
        }
        (tmp_path / "prometheus.yml").write_text(json.dumps(config))  # JSON is YAML
        web = free_port()
        command = [
            "prometheus",
            "--config.file=%s" % (tmp_path / "prometheus.yml"),
            "--storage.tsdb.path=%s" % (tmp_path / "tsdb"),
            "--web.listen-address=127.0.0.1:%d" % web,
        ]
        processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wanted = {("EsusPecCertificateExpiringSoon", "firing", "pec-a"), ("EsusPecHostNotReady", "pending", "pec-b")}
        alerts: set = set()
        for _attempt in range(120):  # until both alerts show (a bound, not a timing: each wait is a scrape)
            with contextlib.suppress(OSError, KeyError, ValueError):
                found = query(web, "ALERTS")
                alerts = {(a["metric"]["alertname"], a["metric"]["alertstate"], a["metric"]["instance"]) for a in found}
                if wanted <= alerts:
                    break
            time.sleep(0.5)
        assert alerts == wanted
        said = ["# ALERTS", *shown(query(web, "ALERTS"))]
        for promql in (
            "esus_pec_rnds_ready",
            "round((esus_pec_certificate_not_after_seconds - time()) / 86400)",
            'esus_pec_check{status!="pass"}',
            "time() - esus_pec_audit_timestamp_seconds < 3600",
        ):
            said += ["", "# " + promql, *shown(query(web, promql))]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    text = "\n".join(said) + "\n"
    assert 'esus_pec_rnds_ready{environment="production",ibge="3509502",instance="pec-b",job="pec",' in text
    assert re.search(r'\{environment="production",ibge="3550308",instance="pec-a",job="pec",municipality="SAO PAULO",'
                     r'uf="SP"\} (19|20)\n', text)  # fmt: skip
    assert 'code="certificate_file.missing"' in text and 'code="certificate.expiring"' in text
    assert PASSWORD not in text and "12345678901" not in text  # no password, no CPF (the test CA's)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "prometheus.txt").write_text(text)
