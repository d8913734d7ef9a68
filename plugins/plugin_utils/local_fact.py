# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the audit leaves on a host between audits (the local fact), from one host's readiness: plain data.

Absolute dates and codes, never days left or sentences (issue 27): a day-count changes every day, so a fact
holding one was rewritten by every weekly audit of an unchanged host (a second execution per host and
``changed`` on every host). Readers compute days from ``not_after`` / ``not_after_timestamp``, as Prometheus and
x509-certificate-exporter do. The format is written down in docs/monitoring.md (the Zabbix template reads it).
Runs on the controller (esus.pec.rnds_audit).
"""

from __future__ import annotations

import datetime

FORMAT = 2
TIME_VARYING = ("days", "skew")
"""Check values that change with the clock alone, left out of the fact (the readers compute them; the clock's
skew moves by a second or two between audits of an unchanged host)."""


def timestamp(iso: str | None) -> int | None:
    """Unix seconds of an ISO 8601 UTC time such as the core's ``not_after`` (``2027-06-25T12:00:00Z``)."""
    if not iso:
        return None
    try:
        moment = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp())


def stable_values(values: dict | None) -> dict:
    return {key: value for key, value in (values or {}).items() if key not in TIME_VARYING}


def local_fact(readiness: dict) -> dict:
    """The fact for one host's readiness (plugin_utils/readiness.py: assess): the same dict a week later when
    nothing that matters changed."""
    return {
        "format": FORMAT,
        "rnds_ready": readiness["ready"],
        "verdict": readiness.get("verdict"),
        "not_after": readiness.get("not_after"),
        "not_after_timestamp": timestamp(readiness.get("not_after")),
        "pec_status": readiness.get("pec_status"),
        "pec_version": readiness.get("pec_version"),
        "codes": list(readiness.get("codes") or []),
        "checks": {
            check["name"]: {"status": check["status"], "code": check["code"], "values": stable_values(check["values"])}
            for check in readiness.get("checks") or []
        },
    }
