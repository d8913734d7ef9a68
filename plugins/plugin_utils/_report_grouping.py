# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The problem group of each host, read from its codes (never from its reasons' words). Private to the collection.

A host's first failing code (in the checks' order) names its group (plugin_utils/readiness_codes.py says which);
a ready host is grouped by its certificate's days left, then by its first warning. Records of reports written
before codes carry none: ``codes_of_old_record`` gives them the codes their problem group, verdict and check
statuses stand for, as closely as those tell.
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CHECK_ORDER, CODES, FAIL, WARN, first

# Problem groups, in the order the page lists them when their counts tie.
PROBLEMS = (
    "unreachable",
    "become_failed",
    "no_python",
    "audit_failed",
    "not_audited",
    "no_permission",
    "pec_missing",
    "pec_install",  # issue 23
    "pec_stopped",  # issue 23
    # issue 23 (wt-23b): the inventory's certificate
    "inventory_wrong_password",
    "inventory_expired",
    "inventory_invalid",
    "inventory_not_deployed",
    "chaves_missing",
    "no_certificate",
    "several_certificates",
    "certificate_only",
    "not_pkcs12",
    "wrong_password",
    "expired",
    "not_yet_valid",
    "corrupt",
    "key_problem",
    "unsupported_encryption",
    "other_cnpj",
    "certificate_invalid",
    "token_rejected",
    "no_connection",
    "untrusted_server",
    "not_ready_other",
    "expiring_30",
    "expiring",
    "chaves_permissions",
    "stray_files",
    "inventory_differs",  # issue 23 (wt-23b): ready, with something to do
    "other_certificates",
    "select_in_pec",
    "ok",
)
READY_PROBLEMS = (
    "expiring_30",
    "expiring",
    "chaves_permissions",
    "stray_files",
    "inventory_differs",
    "other_certificates",
    "select_in_pec",
    "ok",
)
# the groups of the hosts that were not audited (ready is None): each cause its own (issue 24)
UNAUDITED_PROBLEMS = ("unreachable", "become_failed", "no_python", "audit_failed", "not_audited")
NOT_AUDITED = "audit.not_audited"

# An old record's problem group: the code it most likely came from (the certificate's comes from its verdict).
_OLD_PROBLEM_CODES = {
    "not_audited": NOT_AUDITED,
    "no_permission": "certificate_file.unlistable",  # most often: an audit without become
    "pec_missing": "pec.not_installed",
    "chaves_missing": "chaves.missing",
    "no_certificate": "certificate_file.missing",
    "several_certificates": "certificate_file.several",
    "certificate_only": "certificate_file.certificate_only",
    "token_rejected": "token.refused",
    "no_connection": "network.unreachable",
    "chaves_permissions": "chaves.permissions",
    "stray_files": "certificate_file.stray",
}
# An old record's check statuses (second report format): the code each stands for.
_OLD_CHECK_CODES = (
    ("chaves", WARN, "chaves.permissions"),
    ("certificate_file", WARN, "certificate_file.stray"),
    ("token", FAIL, "token.refused"),
    ("network", FAIL, "network.unreachable"),
)


def classify(readiness: dict | None) -> str:
    """The one problem group of a host (its readiness, or its report record): its first failing code decides;
    a ready host's days left, then its first warning."""
    if readiness is None:
        return "not_audited"
    codes = [code for code in readiness.get("codes") or [] if code in CODES]
    if readiness.get("ready") is None:
        cause = next((CODES[code].group for code in codes if CODES[code].group in UNAUDITED_PROBLEMS), None)
        return cause or "not_audited"
    if readiness.get("ready") is not True:  # a ready host is in a ready group: the cards and groups add up
        failing = first(codes, FAIL)
        return CODES[failing].group or "not_ready_other" if failing else "not_ready_other"
    days = readiness.get("days_left")
    if days is not None and days <= 30:
        return "expiring_30"
    if "certificate.expiring" in codes:
        return "expiring"
    warning = first([code for code in codes if CODES[code].group], WARN)
    return CODES[warning].group if warning else "ok"


def codes_of_old_record(row: dict) -> list:
    """The codes of a record written before codes existed, from its problem group (second format), its verdict
    and its checks' statuses; in the checks' order."""
    found = []
    if row.get("ready") is None:
        found.append(NOT_AUDITED)
    if row.get("problem") in _OLD_PROBLEM_CODES:
        found.append(_OLD_PROBLEM_CODES[row["problem"]])
    verdict = "certificate.%s" % row.get("verdict")
    if row.get("verdict") and row["verdict"] != "ok" and verdict in CODES:
        found.append(verdict)
    checks = row.get("checks") or {}
    found += [code for name, status, code in _OLD_CHECK_CODES if checks.get(name) == status]
    if row.get("pec_status") == "Sem conexão":
        found.append("network.unreachable")
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda code: CHECK_ORDER.index(CODES[code].check))


def kind(problem: str) -> str:
    """The page's section of a problem group: not ready ("bad"), not audited ("unknown"), ready ("warn", "ok")."""
    if problem == "ok":
        return "ok"
    if problem in READY_PROBLEMS:
        return "warn"
    return "unknown" if problem in UNAUDITED_PROBLEMS else "bad"


def page_order(counts: dict) -> list:
    """Problems as the page lists them: hosts that need work first (not ready, then not audited), the largest
    group first; then the ready ones with something to watch; then ok."""
    section = {"bad": 0, "unknown": 1, "warn": 2, "ok": 3}
    return sorted(PROBLEMS, key=lambda p: (section[kind(p)], -counts.get(p, 0), PROBLEMS.index(p)))
