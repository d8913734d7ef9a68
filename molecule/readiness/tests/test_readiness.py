# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""After esus.pec.readiness on a mixed fleet: local facts on the hosts, groups and report on the controller."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
READY = {"rd-ready": True, "rd-expired": False, "rd-two-certs": False, "rd-no-chaves": False, "rd-no-pec": False}
REASON = {
    "rd-expired": "expired on",
    "rd-two-certs": "2 certificates in chaves",
    "rd-no-chaves": "chaves does not exist",
    "rd-no-pec": "PEC is not installed",
}


@pytest.fixture()
def name(host):
    return host.backend.get_hostname()


@pytest.fixture(scope="module")
def report():
    return json.loads((EPHEMERAL / "report" / "readiness.json").read_text())


def test_local_fact_tags_the_host(host, name):
    fact = host.file("/etc/ansible/facts.d/esus_pec_rnds.fact")
    assert fact.user == "root" and oct(fact.mode) == "0o644"
    assert json.loads(fact.content_string)["rnds_ready"] is READY[name]


def test_the_fact_holds_dates_and_codes_not_days(host, name):
    """Issue 27: format 2, the same a week later on an unchanged host."""
    fact = json.loads(host.file("/etc/ansible/facts.d/esus_pec_rnds.fact").content_string)
    assert fact["format"] == 2 and "days_left" not in fact and "reasons" not in fact
    assert (fact["not_after"] is not None) is (name in ("rd-ready", "rd-expired"))


def test_prometheus_files(host, name):
    """Issue 25: the decision and the audit's time, root's, 0644, in node_exporter's textfile folder."""
    folder = "/var/lib/prometheus/node-exporter/"
    for file_name in ("esus_pec_rnds.prom", "esus_pec_rnds_audit.prom"):
        found = host.file(folder + file_name)
        assert found.user == "root" and oct(found.mode) == "0o644"
    decision = host.file(folder + "esus_pec_rnds.prom").content_string
    assert "esus_pec_rnds_ready{" in decision and decision.count("\nesus_pec_rnds_ready{") == 1
    ready = next(line for line in decision.splitlines() if line.startswith("esus_pec_rnds_ready{"))
    assert ready.endswith(" 1" if READY[name] else " 0") and 'uf="SP"' in ready
    assert "esus_pec_audit_timestamp_seconds{" in host.file(folder + "esus_pec_rnds_audit.prom").content_string
    assert [n for n in host.file(folder).listdir() if not n.endswith(".prom")] == []  # no temporary file left


def test_setup_reads_the_tag_back_as_ansible_local(host, name):
    facts = host.ansible("setup", "filter=ansible_local", check=False)["ansible_facts"]
    assert facts["ansible_local"]["esus_pec_rnds"]["rnds_ready"] is READY[name]


def test_groups():
    groups = json.loads((EPHEMERAL / "groups.json").read_text())
    assert groups == {"rnds_ready": ["rd-ready"], "rnds_not_ready": sorted(h for h, r in READY.items() if not r)}


def test_report_record(report, name):
    record = {r["host"]: r for r in report["hosts"]}[name]
    assert record["ready"] is READY[name]
    assert record["uf"] == "SP"
    if name in REASON:
        assert any(REASON[name] in reason for reason in record["reasons"]), record["reasons"]
    else:
        assert record["verdict"] == "ok" and record["pec_version"] == "5.3.21"


def test_report_files_and_counts(report):
    assert report["summary"] == {
        "hosts": 5,
        "ready": 1,
        "not_ready": 4,
        "unknown": 0,
        "expiring_30": 0,
        "expiring_90": 0,
    }
    for name in ("readiness.csv", "readiness.html"):
        assert (EPHEMERAL / "report" / name).stat().st_size > 200


def test_audit_changed_nothing_else_on_the_host(host, name):
    chaves = host.file("/opt/e-SUS/webserver/chaves")
    assert chaves.exists is (name in ("rd-ready", "rd-expired", "rd-two-certs"))
    leftovers = host.run(
        "find /home/pecadmin/.ansible/tmp /root/.ansible/tmp /tmp -mindepth 1 2>/dev/null"
    ).stdout.split()
    assert leftovers == []


def test_the_modules_import_their_helpers_on_every_python_here(host, name):
    """Debian 11 (Python 3.9), 12 (3.11, with python3-cryptography) and 13 (3.13). Under AnsiballZ on 3.9 a
    module_util's __package__ is still None while it runs: helpers chosen by it were looked for as top-level
    modules ("No module named '_asn1'") instead of the missing-library message or a verdict."""
    result = host.ansible("esus.pec.pkcs12_validate", "path=/etc/hostname password=x", check=False)
    python = host.run("python3 -c 'import sys; print(sys.version_info[1])'").stdout.strip()
    if host.run("python3 -c 'import cryptography'").rc == 0:
        assert result.get("verdict") == "not_pkcs12", (python, result)
    else:
        assert "required Python library (cryptography)" in result.get("msg", ""), (python, result)
    fact = host.ansible("esus.pec.pec_probe", "fact_path=/tmp/esus-probe-check.fact", check=False)
    assert fact.get("failed") is not True and fact["pec"]["installed"] is (name != "rd-no-pec"), (python, fact)


TRUST = {"rd-ready": "trust.ok", "rd-expired": "trust.untrusted"}


def test_pecs_java_trust_store_on_each_python(host, name, report):
    """Issue 23, item 3, against the RNDS stand-in on the host's loopback: Debian 13 (Python 3.13) trusts it;
    Debian 11 (Python 3.9, OpenSSL 1.1.1) holds a store that lacks its CA and fails; the hosts that do not ask
    have no trust check. Read in the decision's Prometheus file (one series per check) and the report."""
    decision = host.file("/var/lib/prometheus/node-exporter/esus_pec_rnds.prom").content_string
    said = sorted(set(re.findall(r'check="trust",[^}]*code="([^"]+)"', decision)))
    assert said == ([TRUST[name]] if name in TRUST else []), decision
    record = {r["host"]: r for r in report["hosts"]}[name]
    failing = [code for code in record["codes"] if code.startswith("trust.")]
    assert failing == (["trust.untrusted"] if name == "rd-expired" else [])
    if name == "rd-expired":
        reason = record["reasons"][record["codes"].index("trust.untrusted")]
        assert "/opt/e-SUS/jre/current/lib/security/cacerts" in reason and "PKIX" in reason, reason
