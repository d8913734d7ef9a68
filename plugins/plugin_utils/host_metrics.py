# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One host's Prometheus textfile-collector files (node_exporter, windows_exporter), from its readiness.

Two files in ``rnds_readiness_metrics_dir`` (docs/monitoring.md):
- ``esus_pec_rnds.prom``, the decision (ready, the certificate's expiry, one series per check with its code):
  the same text while nothing that matters changed, so an unchanged host gets no write and no second execution;
  rewritten together with the local fact, in the one execution that rewrites that;
- ``esus_pec_rnds_audit.prom``, the audit's time alone: it changes on every audit, so the probe writes it in the
  one remote command every audit makes anyway (kept apart, it costs an unchanged host no round trip; inside the
  decision file it would cost every host a second execution on every audit).
Labels: ibge, municipality, uf, environment (never a password, a CPF or key material: the record holds none),
escaped as the exposition format says. Plain data in, text out; runs on the controller (esus.pec.rnds_audit).
"""

from __future__ import annotations

import time

from ansible_collections.esus.pec.plugins.plugin_utils.local_fact import timestamp

DECISION_FILE = "esus_pec_rnds.prom"
AUDIT_FILE = "esus_pec_rnds_audit.prom"
LABELS = ("ibge", "municipality", "uf", "environment")

HELP = {
    "esus_pec_rnds_ready": "1 when the last audit found PEC on this host ready to reach the RNDS, else 0.",
    "esus_pec_certificate_not_after_seconds": "Expiry of the certificate in chaves, Unix seconds.",
    "esus_pec_check": "One series per check of the last audit (value 1); its status and code are labels.",
    "esus_pec_audit_timestamp_seconds": "When the readiness audit last looked at this host, Unix seconds.",
}


def escape(value) -> str:
    """A label value as the text exposition format wants it: backslash, double quote and newline escaped."""
    return str("" if value is None else value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def labels_of(record: dict, environment: str) -> dict:
    """The host's labels, from the audit's record (municipality, ibge, uf) and the environment."""
    found = {key: record.get(key) or "" for key in LABELS[:3]}
    found["environment"] = environment or ""
    return found


def _series(name: str, labels: dict, value) -> str:
    inside = ",".join('%s="%s"' % (key, escape(labels[key])) for key in labels)
    return "%s{%s} %s" % (name, inside, value)


def _family(name: str, lines: list) -> list:
    return ["# HELP %s %s" % (name, HELP[name]), "# TYPE %s gauge" % name, *lines]


def decision_text(readiness: dict, labels: dict) -> str:
    """esus_pec_rnds.prom: no time-varying value in it (absolute expiry, codes), so the same text a week later."""
    lines = _family("esus_pec_rnds_ready", [_series("esus_pec_rnds_ready", labels, 1 if readiness["ready"] else 0)])
    not_after = timestamp(readiness.get("not_after"))
    if not_after is not None:
        name = "esus_pec_certificate_not_after_seconds"
        lines += _family(name, [_series(name, labels, not_after)])
    checks = [
        _series("esus_pec_check", dict(labels, check=c["name"], status=c["status"], code=c["code"]), 1)
        for c in readiness.get("checks") or []
    ]
    lines += _family("esus_pec_check", checks)
    return "\n".join(lines) + "\n"


def audit_text(labels: dict, when: float) -> str:
    """esus_pec_rnds_audit.prom: the audit's time alone."""
    name = "esus_pec_audit_timestamp_seconds"
    return "\n".join(_family(name, [_series(name, labels, int(when))])) + "\n"


def paths(metrics_dir: str, separator: str) -> tuple:
    """(decision file, audit file) in the host's metrics folder."""
    folder = metrics_dir.rstrip("\\/") or metrics_dir
    return folder + separator + DECISION_FILE, folder + separator + AUDIT_FILE


def metrics_plan(args: dict, separator: str, check_mode: bool, now: float | None = None) -> dict | None:
    """What the audit asks of the host's metrics (None when ``metrics_dir`` is empty): the probe's arguments
    (the decision file read back; the audit's time written, except in check mode) and what the decision needs."""
    if not args.get("metrics_dir"):
        return None
    decision_path, audit_path = paths(args["metrics_dir"], separator)
    labels = labels_of(args.get("record") or {}, args.get("metrics_environment") or "")
    probe = {"metrics_path": decision_path, "timestamp_path": audit_path}
    if not check_mode:
        probe["timestamp_content"] = audit_text(labels, time.time() if now is None else now)
    return {"probe": probe, "labels": labels, "decision_path": decision_path, "audit_path": audit_path}


def metrics_decision(plan: dict | None, readiness: dict, probe: dict) -> dict:
    """{changed, write: (path, text), said}: whether the decision file differs from what the host holds (the
    probe read it back), and what the task result says of the metrics (in check mode: what a run would write)."""
    if plan is None:
        return {"changed": False, "write": (), "said": None}
    text = decision_text(readiness, plan["labels"])
    changed = probe.get("metrics_current") != text
    said = {
        "dir": plan["decision_path"].rsplit(DECISION_FILE, 1)[0].rstrip("\\/"),
        "decision_file": plan["decision_path"],
        "audit_file": plan["audit_path"],
        "audit_file_written": "timestamp_content" in plan["probe"] and not probe.get("timestamp_error"),
    }
    return {"changed": changed, "write": (plan["decision_path"], text), "said": said}
