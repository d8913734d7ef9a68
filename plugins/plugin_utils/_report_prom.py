# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report's Prometheus file (readiness.prom): fleet counts for the controller's node_exporter
(textfile collector) or a Pushgateway, from the report document. Private to the collection.

Counts only, labelled by codes and limits (bounded cardinality, no host names, no text): ready, not ready by
the code that decides the host's problem (its first failing check, the code the report groups it by), expiring
within 30/60/90 days, not audited. docs/monitoring.md lists them; the alert rules read the per-host files.
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.plugin_utils.host_metrics import escape
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import first

PROM_NAME = "readiness.prom"
EXPIRING_LIMITS = (30, 60, 90)
UNDECIDED = "unknown"
"""The code label of a not-ready host whose codes name no failing check (a report of an earlier format)."""

HELP = {
    "esus_pec_fleet_hosts": "Hosts in the fleet report.",
    "esus_pec_fleet_ready": "Hosts the last audit found ready for the RNDS.",
    "esus_pec_fleet_not_ready": "Hosts not ready, by the code of the check that decides their problem.",
    "esus_pec_fleet_expiring": "Certificates that expire within within_days days (0 to that many days left).",
    "esus_pec_fleet_not_audited": "Hosts the run could not audit (unreachable, or the audit failed).",
}


def _family(name: str, series: list) -> list:
    lines = ["# HELP %s %s" % (name, HELP[name]), "# TYPE %s gauge" % name]
    for labels, value in series:
        inside = ",".join('%s="%s"' % (key, escape(labels[key])) for key in labels)
        lines.append("%s{%s} %d" % (name, inside, value) if inside else "%s %d" % (name, value))
    return lines


def to_prom(document: dict) -> str:
    """readiness.prom for a report document (plugin_utils/report.py build or load_report)."""
    rows = document.get("hosts") or []
    not_ready: dict = {}
    for row in rows:
        if row.get("ready") is False:
            code = first(list(row.get("codes") or [])) or UNDECIDED
            not_ready[code] = not_ready.get(code, 0) + 1
    days = [row["days_left"] for row in rows if isinstance(row.get("days_left"), int)]
    lines = _family("esus_pec_fleet_hosts", [({}, len(rows))])
    lines += _family("esus_pec_fleet_ready", [({}, sum(1 for row in rows if row.get("ready") is True))])
    lines += _family("esus_pec_fleet_not_ready", [({"code": code}, not_ready[code]) for code in sorted(not_ready)])
    expiring = [({"within_days": str(limit)}, sum(1 for d in days if 0 <= d <= limit)) for limit in EXPIRING_LIMITS]
    lines += _family("esus_pec_fleet_expiring", expiring)
    audited = sum(1 for row in rows if row.get("problem") == "not_audited")
    lines += _family("esus_pec_fleet_not_audited", [({}, audited)])
    return "\n".join(lines) + "\n"
