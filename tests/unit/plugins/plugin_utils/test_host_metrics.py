# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The local fact and the per-host Prometheus files, from a host's readiness (plain data): both hold absolute
dates and codes, so they are the same a week later (issue 27), and no secret or CPF reaches a label (issue 25)."""

from __future__ import annotations

import json

from ansible_collections.esus.pec.plugins.plugin_utils import host_metrics as m
from ansible_collections.esus.pec.plugins.plugin_utils import readiness as r
from ansible_collections.esus.pec.plugins.plugin_utils.local_fact import local_fact, timestamp

EXPECTED = {"pec_root": "/opt/e-SUS/webserver", "chaves": "/opt/e-SUS/webserver/chaves", "owner": "root",
            "group": "root", "dir_mode": "0750"}  # fmt: skip
PROBE = {
    "pec": {"installed": True, "version": "5.3.21"},
    "chaves": {"exists": True, "is_dir": True, "owner": "root", "group": "root", "mode": "0750"},
    "files": [{"name": "3550308.pfx", "size": 3000, "sha1": "a"}],
    "network": [{"host": "ehr-auth.saude.gov.br", "port": 443, "reachable": True, "error": None}],
}
NOT_AFTER = "2027-06-25T12:00:00Z"


def report(days: int, verdict: str = "ok") -> dict:
    """The core's report for the same certificate, seen ``days`` before it expires."""
    return {
        "verdict": verdict,
        "msg": "certificate valid, %d days left" % days,  # the core's message carries the days
        "certificate": {"days_left": days, "not_after": NOT_AFTER, "cnpj": "1"},
    }


def test_the_fact_is_the_same_a_week_later():
    """Failed before issue 27's fix: the fact held days_left (and the reasons carrying it)."""
    today = local_fact(r.assess(PROBE, report(200), EXPECTED))
    a_week_later = local_fact(r.assess(PROBE, report(193), EXPECTED))
    assert today == a_week_later
    assert today["not_after"] == NOT_AFTER and today["not_after_timestamp"] == 1813924800
    assert "days" not in json.dumps(today)


def test_the_fact_changes_when_the_certificate_starts_expiring():
    ok = local_fact(r.assess(PROBE, report(31), EXPECTED))
    expiring = local_fact(r.assess(PROBE, report(24, "expiring"), EXPECTED))
    assert ok != expiring
    assert (expiring["verdict"], expiring["codes"], expiring["rnds_ready"]) == (
        "expiring",
        ["certificate.expiring"],
        True,
    )
    assert expiring["checks"]["certificate"] == {
        "status": "warn",
        "code": "certificate.expiring",
        "values": {"not_after": NOT_AFTER},
    }


def test_timestamp_reads_the_cores_iso_format():
    assert timestamp("1970-01-02T00:00:00Z") == 86400
    assert timestamp(None) is None and timestamp("not a date") is None


LABELS = m.labels_of({"ibge": "3550308", "municipality": 'SAO "PAULO"\\X\nY', "uf": "SP", "cpf": "x"}, "production")


def test_labels_are_the_four_named_and_escaped():
    assert list(LABELS) == ["ibge", "municipality", "uf", "environment"]  # nothing else from the record
    assert m.escape(LABELS["municipality"]) == 'SAO \\"PAULO\\"\\\\X\\nY'


def test_the_decision_file_is_the_same_a_week_later_and_says_codes():
    readiness = r.assess(PROBE, report(200), EXPECTED)
    today = m.decision_text(readiness, LABELS)
    assert today == m.decision_text(r.assess(PROBE, report(193), EXPECTED), LABELS)
    for name in ("esus_pec_rnds_ready", "esus_pec_certificate_not_after_seconds", "esus_pec_check"):
        assert "# HELP %s " % name in today and "# TYPE %s gauge\n" % name in today
    assert "} 1813924800\n" in today
    checks = [line for line in today.splitlines() if line.startswith("esus_pec_check{")]
    # one series per check the audit made (issue 23 added pec_config, service and clock to the first five)
    assert len(checks) == len(readiness["checks"]) >= 5 and all(line.endswith("} 1") for line in checks)
    assert 'check="certificate",status="pass",code="certificate.ok"' in today
    assert "days left" not in today  # codes, never the core's sentence


def test_without_a_certificate_there_is_no_expiry_series():
    missing = dict(PROBE, files=[])
    text = m.decision_text(r.assess(missing, None, EXPECTED), LABELS)
    assert "esus_pec_certificate_not_after_seconds" not in text and "esus_pec_rnds_ready{" in text
    assert text.count("} 0\n") == 1  # not ready


def test_check_mode_plans_no_write():
    args = {"metrics_dir": "/var/lib/prometheus/node-exporter/", "record": {}, "metrics_environment": "production"}
    plan = m.metrics_plan(args, "/", check_mode=True)
    assert plan["probe"] == {
        "metrics_path": "/var/lib/prometheus/node-exporter/esus_pec_rnds.prom",
        "timestamp_path": "/var/lib/prometheus/node-exporter/esus_pec_rnds_audit.prom",
    }
    written = m.metrics_plan(args, "/", check_mode=False, now=1800000000.5)
    assert written["probe"]["timestamp_content"].endswith('environment="production"} 1800000000\n')
    assert m.metrics_plan(dict(args, metrics_dir=""), "/", check_mode=False) is None
    decision = m.metrics_decision(plan, r.assess(PROBE, report(200), EXPECTED), {"metrics_current": None})
    assert decision["changed"] and decision["said"]["audit_file_written"] is False


def test_windows_paths():
    plan = m.metrics_plan({"metrics_dir": "C:\\Program Files\\windows_exporter\\textfile_inputs"}, "\\", True)
    assert plan["decision_path"] == "C:\\Program Files\\windows_exporter\\textfile_inputs\\esus_pec_rnds.prom"
