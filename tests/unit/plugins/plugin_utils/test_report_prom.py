# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report's Prometheus counts (readiness.prom), from report records (plain data)."""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.plugin_utils import report
from ansible_collections.esus.pec.plugins.plugin_utils._report_prom import to_prom


def readiness(ready: bool, codes: list, days: int | None) -> dict:
    checks = [{"name": c.split(".")[0], "status": "fail", "code": c, "values": {}} for c in codes]
    return {"ready": ready, "codes": codes, "checks": checks, "days_left": days, "verdict": "ok", "reasons": []}


def test_counts_by_code_and_limit():
    rows = [
        report.record("a", readiness(True, [], 10)),
        report.record("b", readiness(True, [], 45)),
        report.record("c", readiness(True, [], 80)),
        report.record("d", readiness(False, ["certificate.expired"], -3)),
        report.record("e", readiness(False, ["chaves.missing", "certificate.missing"], None)),
        report.record("f", readiness(False, ["certificate.expired"], -9)),
        report.record("g", None),  # not audited
    ]
    text = to_prom(report.build(rows, "2026-12-07T06:00:00Z"))
    assert "esus_pec_fleet_hosts 7\n" in text and "esus_pec_fleet_ready 3\n" in text
    assert 'esus_pec_fleet_not_ready{code="certificate.expired"} 2\n' in text
    assert 'esus_pec_fleet_not_ready{code="chaves.missing"} 1\n' in text  # the first failing check decides
    assert 'esus_pec_fleet_expiring{within_days="30"} 1\n' in text
    assert 'esus_pec_fleet_expiring{within_days="60"} 2\n' in text
    assert 'esus_pec_fleet_expiring{within_days="90"} 3\n' in text
    assert "esus_pec_fleet_not_audited 1\n" in text
    for name in ("hosts", "ready", "not_ready", "expiring", "not_audited"):
        assert "# TYPE esus_pec_fleet_%s gauge\n" % name in text
    assert '"a"' not in text and "host=" not in text  # counts only: no host names


def test_an_empty_fleet_still_has_every_family():
    text = to_prom(report.build([], "2026-12-07T06:00:00Z"))
    assert "esus_pec_fleet_hosts 0\n" in text and "# HELP esus_pec_fleet_not_ready " in text
