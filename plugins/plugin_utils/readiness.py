# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""RNDS readiness of one PEC server, from what was seen on it: plain data in, checks and a verdict out.

No Ansible objects: ``assess(probe, verdict_report, expected)`` turns the probe of a host (PEC install,
``chaves``, its files, network) and the certificate's validation report into checks. Each check says what it
found with one code (plugin_utils/readiness_codes.py: its status, the report's problem group, what PEC would
show) and the values the code's sentence needs; its ``reason`` is that sentence in English, with the next step.
The certificate check's reason is the PKCS#12 core's own message, which names the file and the cause in more
detail than a table can. Runs on the controller (esus.pec.rnds_audit).
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.module_utils.certificate_files import file_kind
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import (
    CODES,
    FAIL,
    PASS,
    UNKNOWN,
    WARN,
    predict_pec_status,
    reason,
)
from ansible_collections.esus.pec.plugins.plugin_utils.windows_acl import FILE_SDDL, differences

__all__ = ["FAIL", "PASS", "UNKNOWN", "WARN", "assess", "check", "check_files"]


def check(code: str, **values) -> dict:
    """The check a code gives: its name and status from the code, its English reason from the code's table."""
    known = CODES[code]
    return {"name": known.check, "status": known.status, "code": code, "values": values, "reason": reason(code, values)}


def check_pec(pec: dict, root: str) -> dict:
    if pec.get("error"):
        return check("pec.unreadable", root=root, error=pec["error"])
    if not pec.get("installed"):
        return check("pec.not_installed", root=root)
    if pec.get("version"):
        return check("pec.installed", root=root, version=pec["version"])
    return check("pec.version_unknown", root=root, source=pec.get("version_source") or "a readable /etc/pec.config")


def check_windows_descriptors(chaves: dict, files: list, path: str, expected: dict) -> dict:
    """chaves against its one descriptor, and the certificate file(s) against O:BAD:AI (all from chaves)."""
    if chaves.get("sddl") is None:
        return check("chaves.descriptor_not_read", path=path, error=chaves.get("error"))
    names = expected.get("names") or {}
    problems = ["%s: %s" % (path, p) for p in differences(expected["sddl"], chaves["sddl"], names)]
    for entry in files:
        if file_kind(entry["name"]) == "pkcs12" and entry.get("sddl"):
            problems += ["%s: %s" % (entry["name"], p) for p in differences(FILE_SDDL, entry["sddl"], names)]
    unresolved = expected.get("unresolved") or []
    if unresolved:
        problems.append("this host cannot resolve %s to a SID" % ", ".join(unresolved))
    if problems:
        return check("chaves.descriptor", path=path, problems="; ".join(problems))
    return check("chaves.descriptor_ok", path=path)


def check_chaves(chaves: dict, path: str, expected: dict, files: list | None = None) -> dict:
    if not chaves.get("exists"):
        return check("chaves.missing", path=path)
    if chaves.get("readable") is False and chaves.get("is_dir") is False:
        return check("chaves.unreadable", path=path, error=chaves.get("error") or "access denied")
    if not chaves.get("is_dir"):
        return check("chaves.not_a_folder", path=path)
    if expected.get("windows"):
        return check_windows_descriptors(chaves, files or [], path, expected)
    if chaves.get("owner") is None:
        return check("chaves.owner_not_read", path=path)
    seen = "%s:%s %s" % (chaves.get("owner"), chaves.get("group"), chaves.get("mode"))
    wanted = "%s:%s %s" % (expected.get("owner"), expected.get("group"), expected.get("dir_mode"))
    if seen != wanted:
        return check("chaves.permissions", path=path, seen=seen, wanted=wanted)
    return check("chaves.ok", path=path, seen=seen)


def check_files(files: list, chaves: dict, user: str | None = None) -> tuple[dict, dict | None]:
    """(check, the one PKCS#12 file or None)."""
    if not chaves.get("exists"):
        return check("certificate_file.no_chaves"), None
    if chaves.get("readable") is False:
        return check("certificate_file.unlistable", user=user, error=chaves.get("error") or "permission denied"), None
    pkcs12 = [f for f in files if file_kind(f["name"]) == "pkcs12"]
    bare = [f["name"] for f in files if file_kind(f["name"]) == "certificate"]
    if not pkcs12:
        if bare:
            return check("certificate_file.certificate_only", names=", ".join(bare)), None
        return check("certificate_file.missing"), None
    unreadable = [f["name"] for f in pkcs12 if f.get("readable") is False]
    if unreadable:
        return check("certificate_file.unreadable", names=", ".join(unreadable), user=user), None
    if len(pkcs12) > 1:
        names = ", ".join(sorted(f["name"] for f in pkcs12))
        return check("certificate_file.several", count=len(pkcs12), names=names), None
    if bare:
        return check("certificate_file.stray", name=pkcs12[0]["name"], names=", ".join(bare)), pkcs12[0]
    return check("certificate_file.ok", name=pkcs12[0]["name"]), pkcs12[0]


def check_certificate(report: dict | None) -> dict:
    if report is None:
        return check("certificate.not_checked")
    verdict = report["verdict"]
    code = "certificate.%s" % verdict
    certificate = report.get("certificate") or {}
    values = {"days": certificate.get("days_left"), "not_after": certificate.get("not_after")}
    if code not in CODES or CODES[code].check != "certificate":
        code, values = "certificate.invalid", dict(values, verdict=verdict)
    if code == "certificate.identity_mismatch":
        values["cnpj"] = certificate.get("cnpj_formatted")
    return dict(check(code, **values), reason=report["msg"])


def check_network(results: list | None) -> dict:
    if results is None:
        return check("network.not_checked")
    if not results:
        return check("network.no_endpoint")
    failed = [r for r in results if not r.get("reachable")]
    if failed:
        shown = ", ".join("%s:%s (%s)" % (r["host"], r["port"], r.get("error") or "no answer") for r in failed)
        return check("network.unreachable", failed=shown)
    return check("network.ok", endpoints=", ".join("%s:%s" % (r["host"], r["port"]) for r in results))


def check_token(result: dict | None) -> dict | None:
    if result is None:
        return None
    status = result["status"]
    code = {"accepted": "token.accepted", "unknown": "token.unknown", "rejected": "token.refused"}
    code = code.get(status, "token.refused" if status == "unknown_ca" else "token.failed")
    return check(code, status=status, detail=(result.get("reason") or status).rstrip("."))


def not_checked(name: str) -> dict:
    return check("%s.not_checked" % name)


def assess(probe: dict, certificate_report: dict | None, expected: dict, token: dict | None = None) -> dict:
    """The readiness of one host: {ready, checks, codes, reasons, verdict, days_left, pec_status, pec_version}."""
    pec = probe.get("pec") or {}
    checks = [check_pec(pec, expected["pec_root"])]
    files = probe.get("files") or []
    if pec.get("installed"):
        checks.append(check_chaves(probe.get("chaves") or {}, expected["chaves"], expected, files))
        checks.append(check_files(files, probe.get("chaves") or {}, probe.get("user"))[0])
    else:
        checks += [not_checked("chaves"), not_checked("certificate_file")]
    checks.append(check_certificate(certificate_report))
    checks.append(check_network(probe.get("network")))
    token_check = check_token(token)
    if token_check is not None:
        checks.append(token_check)
    verdict = certificate_report["verdict"] if certificate_report else None
    certificate = (certificate_report or {}).get("certificate") or {}
    said = [c for c in checks if c["status"] in (FAIL, WARN)]
    codes = [c["code"] for c in said]
    return {
        "ready": not any(c["status"] == FAIL for c in checks),
        "checks": checks,
        "codes": codes,
        "reasons": [c["reason"] for c in said],
        "verdict": verdict,
        "days_left": certificate.get("days_left"),
        "not_after": certificate.get("not_after"),
        "cnpj": certificate.get("cnpj"),
        "pec_status": predict_pec_status(codes),
        "pec_version": pec.get("version"),
    }
