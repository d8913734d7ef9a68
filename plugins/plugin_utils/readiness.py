# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""RNDS readiness of one PEC server, from what was seen on it: plain data in, checks and a verdict out.

No Ansible objects: ``assess(probe, verdict_report, expected)`` turns the probe of a host (PEC install,
``chaves``, its files, network) and the certificate's validation report into checks. Each check says what it
found with one code (plugin_utils/readiness_codes.py: its status, the report's problem group, what PEC would
show) and the values the code's sentence needs; its ``reason`` is that sentence in English, with the next step.
The certificate check's reason is the PKCS#12 core's own message, which names the file and the cause in more
detail than a table can. The ``chaves`` and ``certificate_file`` checks are the deploy's own rule
(plugin_utils/chaves_plan.py: audit_chaves, audit_certificate_file), so the audit and the deploy cannot disagree
on what a host needs. Runs on the controller (esus.pec.rnds_audit).
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.plugin_utils._readiness_host import (
    check,
    check_cadsus,
    check_clock,
    check_install,
    check_service,
    check_trust,
    network_failures,
)
from ansible_collections.esus.pec.plugins.plugin_utils.chaves_plan import audit_certificate_file, audit_chaves
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import (
    CHECK_ORDER,
    CODES,
    FAIL,
    PASS,
    UNKNOWN,
    WARN,
    predict_pec_status,
)
from ansible_collections.esus.pec.plugins.plugin_utils.windows_acl import FILE_SDDL

__all__ = ["FAIL", "PASS", "UNKNOWN", "WARN", "assess", "check", "check_files"]


def check_pec(pec: dict, root: str) -> dict:
    if pec.get("error"):
        return check("pec.unreadable", root=root, error=pec["error"])
    if not pec.get("installed"):
        return check("pec.not_installed", root=root)
    if pec.get("version"):
        return check("pec.installed", root=root, version=pec["version"])
    return check("pec.version_unknown", root=root, source=pec.get("version_source") or "a readable /etc/pec.config")


def check_chaves(chaves: dict, path: str, expected: dict, files: list | None = None, sids: dict | None = None) -> dict:
    """chaves as the deploy wants it (plugin_utils/chaves_plan.py, the deploy's own rule); on Windows its
    descriptor, the certificate files' and the principals the host resolved (``sids``) too."""
    observed = {"chaves": dict(chaves, path=path), "files": files or [], "sids": sids or {}}
    found = audit_chaves(observed, dict(expected, file_sddl=FILE_SDDL))
    return check(found.code, path=path, **found.values)


def check_files(
    files: list, chaves: dict, user: str | None = None, wanted_sha1: str | None = None
) -> tuple[dict, dict | None]:
    """(check, the one PKCS#12 file or None), by the same rule (chaves_plan.audit_certificate_file); with the
    inventory certificate's SHA-1, the right one among several."""
    found, single = audit_certificate_file({"chaves": chaves, "files": files, "user": user}, wanted_sha1)
    return check(found.code, **found.values), single


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
    dns, tcp = network_failures(results)
    if dns:  # a name the host cannot resolve: DNS, whatever else fails
        return check("network.unresolved", failed=", ".join(dns))
    if tcp:
        return check("network.unreachable", failed=", ".join(tcp))
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


def assess(
    probe: dict,
    certificate_report: dict | None,
    expected: dict,
    token: dict | None = None,
    inventory: tuple | None = None,
    renewal: tuple | None = None,
) -> dict:
    """The readiness of one host: {ready, checks, codes, reasons, verdict, days_left, pec_status, pec_version,
    cadsus_ready, cadsus_checks, cadsus_codes}. ``expected`` also gives (issue 23) ``service`` (empty: not
    checked), ``pec_root_variable`` (how the messages name the PEC folder), ``controller_time``,
    ``max_clock_skew`` (seconds), ``check_trust`` ("", "linux" or "windows": PEC's Java trust store) and
    ``wanted_sha1`` (the inventory certificate's SHA-1, to find it among several in chaves). ``inventory`` and
    ``renewal`` are findings (code, values) of plugin_utils/inventory_certificate.py."""
    pec = probe.get("pec") or {}
    checks = [check_pec(pec, expected["pec_root"])]
    if inventory is not None:
        checks.append(check(inventory[0], **inventory[1]))
    files = probe.get("files") or []
    if pec.get("installed"):
        checks.append(check_chaves(probe.get("chaves") or {}, expected["chaves"], expected, files, probe.get("sids")))
        wanted = expected.get("wanted_sha1")
        checks.append(check_files(files, probe.get("chaves") or {}, probe.get("user"), wanted)[0])
    else:
        checks += [not_checked("chaves"), not_checked("certificate_file")]
    checks.append(check_certificate(certificate_report))
    if renewal is not None:
        checks.append(check(renewal[0], **renewal[1]))
    checks.append(check_network(probe.get("network")))
    trust_check = check_trust(probe.get("trust"), expected.get("check_trust") or "")
    if trust_check is not None:
        checks.append(trust_check)
    token_check = check_token(token)
    if token_check is not None:
        checks.append(token_check)
    if pec.get("installed"):  # issue 23: as the installer left it, and running
        checks += check_install(
            pec, expected["pec_root"], expected.get("pec_root_variable") or "pec_root", bool(expected.get("windows"))
        )
        checks.append(check_service(probe.get("service"), expected.get("service", "")))
    if expected.get("controller_time") is not None:
        checks.append(check_clock(probe.get("time"), expected["controller_time"], expected.get("max_clock_skew", 300)))
    # CADSUS: a second verdict; its checks never decide the RNDS one
    cadsus = check_cadsus(probe.get("cadsus"), bool(pec.get("installed")))
    verdict = certificate_report["verdict"] if certificate_report else None
    certificate = (certificate_report or {}).get("certificate") or {}
    # in the checks' order (readiness_codes.CHECK_ORDER), whatever order they were made in
    said = sorted((c for c in checks if c["status"] in (FAIL, WARN)), key=lambda c: CHECK_ORDER.index(c["name"]))
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
        "cadsus_ready": not any(c["status"] == FAIL for c in cadsus) and cadsus[0]["code"] != "cadsus.not_checked",
        "cadsus_checks": cadsus,
        "cadsus_codes": [c["code"] for c in cadsus if c["status"] in (FAIL, WARN)],
    }
