# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report document: one record per host, the counts, the expiry timeline, the changes since the previous
report; written as readiness.json and read back from one. Private to the collection (plugin_utils/report.py is
the report's public face).
"""

from __future__ import annotations

import datetime
import json
import os

from ansible_collections.esus.pec.plugins.plugin_utils._report_breakdown import breakdown
from ansible_collections.esus.pec.plugins.plugin_utils._report_grouping import (
    NOT_AUDITED,
    PROBLEMS,
    classify,
    codes_of_old_record,
)
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import LANGUAGES, reason

JSON_NAME = "readiness.json"
WEEKS = 13  # the timeline's span: 13 weeks covers the 90 days a renewal is planned in
CHANGE_KEYS = ("newly_not_ready", "fixed", "renewed", "new_hosts", "gone_hosts")

# One record per host in readiness.json. The first twelve are the keys of the first report format; ``codes``
# are the codes of the host's failing and warning checks, ``values`` what each code's sentence needs;
# ``inventory_groups`` the inventory groups of the host the team named (rnds_readiness_report_groups).
FIELDS = (
    "host",
    "ready",
    "verdict",
    "days_left",
    "pec_status",
    "municipality",
    "ibge",
    "uf",
    "pec_version",
    "not_after",
    "cnpj",
    "reasons",
    "problem",
    "checks",
    "fingerprint_sha256",
    "audited",
    "codes",
    "values",
    "cadsus_ready",  # issue 23: the second verdict (CADSUS) and its failing/warning codes
    "cadsus_codes",
    # issue 23: the inventory's certificate when it is not the deployed one (the expiry counts include it)
    "inventory_days_left",
    "inventory_not_after",
    "inventory_groups",
)
# Differs on every run while saying nothing new about the host: ignored when deciding whether to rewrite.
VOLATILE = ("audited",)
NOT_AUDITED_REASON = reason(NOT_AUDITED, {})


class ReportError(Exception):
    """A file that cannot be used as a readiness report; the message names the file."""


def parse_time(text: str | None) -> datetime.datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime (a naive one is taken as UTC); None if it is not one."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


# --- records ---------------------------------------------------------------------------------------------


def record(
    host: str,
    readiness: dict | None,
    audited: str = "",
    cause: str | None = None,
    inventory: dict | None = None,
    inventory_groups: list | None = None,
) -> dict:
    """One report row; a host with no readiness has ready = None and ``cause``, the code of why it was not
    audited (plugin_utils/_report_unaudited.py). ``inventory``: municipality, ibge and uf from the host's
    inventory, shown where the audit gave none (always, for a host that was not audited)."""
    known = {key: value for key, value in (inventory or {}).items() if value}
    if readiness is None:
        code = cause or NOT_AUDITED
        return dict(
            dict.fromkeys(FIELDS),
            host=host,
            reasons=[reason(code, {})],
            problem=classify({"ready": None, "codes": [code]}),
            checks={},
            audited=audited or None,
            codes=[code],
            values={code: {}},
            inventory_groups=list(inventory_groups or []),
            **{key: known.get(key) for key in ("municipality", "ibge", "uf")},
        )
    checks = readiness.get("checks") or []
    codes = list(readiness.get("codes") or [])
    row = {field: readiness.get(field) for field in FIELDS}
    row.update(
        host=host,
        reasons=list(readiness.get("reasons") or []),
        problem=classify(readiness),
        checks={c["name"]: c["status"] for c in checks if "name" in c},
        fingerprint_sha256=(readiness.get("certificate") or {}).get("fingerprint_sha256"),
        audited=audited or None,
        codes=codes,
        values={c["code"]: c.get("values") or {} for c in checks if c.get("code") in codes},
        inventory_groups=list(inventory_groups or []),
    )
    for key, value in known.items():
        if key in ("municipality", "ibge", "uf") and not row.get(key):
            row[key] = value
    return row


def normalize(row: dict, audited: str | None = None) -> dict:
    """A record read from a readiness.json, maybe of an earlier format: without problem or checks (the first),
    without codes (before codes): those are given the codes their other fields stand for."""
    out = {field: row.get(field) for field in FIELDS}
    out["reasons"] = list(row.get("reasons") or [])
    out["checks"] = dict(row.get("checks") or {})
    out["audited"] = row.get("audited") or audited or None
    out["values"] = dict(row.get("values") or {})
    out["inventory_groups"] = list(row.get("inventory_groups") or [])
    if not isinstance(row.get("codes"), list):
        out["problem"] = out["problem"] if out["problem"] in PROBLEMS else None
        out["codes"] = codes_of_old_record(out)
    if out["problem"] not in PROBLEMS:
        out["problem"] = classify(out)
    return out


# --- the document ----------------------------------------------------------------------------------------


def certificate_days(rows: list) -> list:
    """Days left of every certificate the rows know: the deployed one's, and the inventory's when it is another
    file (a renewal not deployed yet, an expired file sitting in the vault, a host with nothing deployed)."""
    days = []
    for row in rows:
        days += [row.get(key) for key in ("days_left", "inventory_days_left") if row.get(key) is not None]
    return days


def summary(rows: list) -> dict:
    """The counts of the first report format (their keys kept: scripts and tests read them); the expiring ones
    count the inventory's certificates too (certificate_days)."""
    days = certificate_days(rows)

    def within(limit: int) -> int:
        return sum(1 for left in days if 0 <= left <= limit)

    return {
        "hosts": len(rows),
        "ready": sum(1 for r in rows if r["ready"] is True),
        "not_ready": sum(1 for r in rows if r["ready"] is False),
        "unknown": sum(1 for r in rows if r["ready"] is None),
        "expiring_30": within(30),
        "expiring_90": within(90),
    }


def groups(rows: list) -> dict:
    """Hosts per problem, every problem listed (0 included), in PROBLEMS order."""
    counts = dict.fromkeys(PROBLEMS, 0)
    for row in rows:
        counts[row["problem"]] = counts.get(row["problem"], 0) + 1
    return counts


def expiring(rows: list) -> dict:
    """Certificates by days left (deployed and in the inventory: certificate_days): within 30/60/90 days, already
    expired, and per week for the next 13 weeks."""
    days = certificate_days(rows)
    by_week = [0] * WEEKS
    for left in days:
        if 0 <= left < 7 * WEEKS:
            by_week[left // 7] += 1
    return {
        "expired": sum(1 for left in days if left < 0),
        "within_30": sum(1 for left in days if 0 <= left <= 30),
        "within_60": sum(1 for left in days if 0 <= left <= 60),
        "within_90": sum(1 for left in days if 0 <= left <= 90),
        "by_week": by_week,
    }


def _renewed(before: dict, now: dict) -> bool:
    for key in ("fingerprint_sha256", "not_after"):
        old, new = before.get(key), now.get(key)
        if old and new and old != new:
            return True
    return False


def compare(rows: list, previous: dict | None) -> dict:
    """What changed since ``previous`` (a report document): hosts that stopped or started being ready, renewed
    certificates, hosts new to or gone from the report. "Not ready" includes "could not be audited"."""
    found = {"since": None, **{key: [] for key in CHANGE_KEYS}, "labels": {}}
    if previous is None:
        return found
    before = {r["host"]: r for r in previous.get("hosts") or []}
    now = {r["host"]: r for r in rows}
    common = sorted(set(now) & set(before))
    found["since"] = previous.get("generated") or None
    found["newly_not_ready"] = [h for h in common if before[h].get("ready") is True and now[h]["ready"] is not True]
    found["fixed"] = [h for h in common if before[h].get("ready") is not True and now[h]["ready"] is True]
    found["renewed"] = [h for h in common if _renewed(before[h], now[h])]
    found["new_hosts"] = sorted(set(now) - set(before))
    found["gone_hosts"] = sorted(set(before) - set(now))
    named = {host for key in CHANGE_KEYS for host in found[key]}
    found["labels"] = {host: place(now.get(host) or before[host]) for host in sorted(named)}
    return found


def place(row: dict) -> str:
    """How a coordinator knows a host: its municipality and UF ("Lages/SC"), else its inventory name."""
    name = row.get("municipality") or ""
    if name and row.get("uf"):
        name = "%s/%s" % (name, row["uf"])
    return name or row.get("host") or ""


def host_changes(changes: dict) -> dict:
    """Host: the change keys that concern it (gone hosts have no row)."""
    per_host: dict = {}
    for key in CHANGE_KEYS[:-1]:
        for host in changes.get(key) or []:
            per_host.setdefault(host, []).append(key)
    return per_host


def build(
    rows: list,
    generated: str,
    previous: dict | None = None,
    language: str = "pt-BR",
    merged_from: list | None = None,
) -> dict:
    """The report document: what readiness.json holds, and what the CSV and the page are made from."""
    if language not in LANGUAGES:
        raise ValueError("language must be one of %s, not %r" % (", ".join(LANGUAGES), language))
    rows = sorted(rows, key=lambda row: row["host"])
    return {
        "generated": generated,
        "language": language,
        "summary": summary(rows),
        "groups": groups(rows),
        "expiring": expiring(rows),
        "changes": compare(rows, previous),
        "breakdown": breakdown(rows),
        "merged_from": list(merged_from or []),
        "hosts": rows,
    }


def unchanged(document: dict, previous: dict | None) -> bool:
    """True when ``previous`` says the same of every host in the same language (only timestamps differ)."""
    if previous is None or previous.get("language") != document["language"]:
        return False

    def stable(rows: list) -> list:
        return [{k: v for k, v in row.items() if k not in VOLATILE} for row in rows]

    return stable(previous["hosts"]) == stable(document["hosts"])


# --- readiness.json out and in ------------------------------------------------------------------------------


def to_json(document: dict) -> str:
    """Indented, with one host per line: readable, diffable, and written by json's C encoder (a fully indented
    dump goes through the pure-Python one: 5,570 hosts in 201 ms instead of 94)."""
    head = json.dumps({k: v for k, v in document.items() if k != "hosts"}, indent=2, ensure_ascii=False)
    hosts = ",\n    ".join(json.dumps(row, ensure_ascii=False) for row in document["hosts"])
    return '%s,\n  "hosts": [%s]\n}\n' % (head[:-2], "\n    %s\n  " % hosts if hosts else "")


def load_report(path: str) -> dict:
    """A readiness.json as a document (records normalized); ReportError naming the file otherwise."""
    if os.path.isdir(path):
        path = os.path.join(path, JSON_NAME)
    what = "it is not a readiness report (the readiness.json esus.pec.readiness_report writes)"
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ReportError("%s: no such file. Give the readiness.json of each partial report." % path) from None
    except OSError as exc:
        raise ReportError("%s: cannot be read (%s)." % (path, exc.strerror or exc)) from None
    except ValueError as exc:
        raise ReportError("%s is not JSON (%s): %s." % (path, exc, what)) from None
    if not isinstance(data, dict) or not isinstance(data.get("hosts"), list) or "summary" not in data:
        raise ReportError("%s: %s; it has no 'summary' and 'hosts'." % (path, what))
    if not isinstance(data.get("generated"), str):
        raise ReportError("%s: %s; it has no 'generated' timestamp." % (path, what))
    hosts = data["hosts"]
    bad = [i for i, row in enumerate(hosts) if not isinstance(row, dict) or not isinstance(row.get("host"), str)]
    if bad:
        raise ReportError("%s: %s; host record %d has no host name." % (path, what, bad[0] + 1))
    data["hosts"] = [normalize(row, data["generated"] or None) for row in hosts]
    return data
