# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""RNDS readiness of one PEC server, from what was seen on it: plain data in, checks and a verdict out.

No Ansible objects: ``assess(probe, verdict_report, expected)`` turns the probe of a host (PEC install,
``chaves``, its files, network) and the certificate's validation report into checks with a status
(pass / fail / warn / unknown) and a reason an operator understands, ``ready``, and the status PEC's RNDS
tab would most likely show.
"""

from __future__ import annotations

import json

from ansible_collections.esus.pec.plugins.module_utils.certificate_files import file_kind
from ansible_collections.esus.pec.plugins.plugin_utils.windows_acl import FILE_SDDL, differences

PASS = "pass"
FAIL = "fail"
WARN = "warn"
UNKNOWN = "unknown"


def check(name: str, status: str, reason: str) -> dict:
    return {"name": name, "status": status, "reason": reason}


def fact_text(fact: dict) -> str:
    """The local fact as the probe writes it on the host, to compare with what the last audit left there."""
    return json.dumps(fact, indent=2, sort_keys=True) + "\n"


def check_pec(pec: dict, root: str) -> dict:
    if pec.get("error"):
        return check("pec", FAIL, "Cannot look at %s: %s. Run the audit as an administrator." % (root, pec["error"]))
    if not pec.get("installed"):
        return check("pec", FAIL, "PEC is not installed in %s (no such folder)." % root)
    version = pec.get("version")
    if version:
        return check("pec", PASS, "PEC %s installed in %s." % (version, root))
    source = pec.get("version_source") or "a readable /etc/pec.config"
    return check("pec", PASS, "PEC installed in %s; version unknown (not found in %s)." % (root, source))


def check_windows_descriptors(chaves: dict, files: list, path: str, expected: dict) -> dict:
    """chaves against its one descriptor, and the certificate file(s) against O:BAD:AI (all from chaves)."""
    if chaves.get("sddl") is None:
        return check(
            "chaves", UNKNOWN, "%s exists; its security descriptor was not read (%s)." % (path, chaves.get("error"))
        )
    names = expected.get("names") or {}
    problems = ["%s: %s" % (path, p) for p in differences(expected["sddl"], chaves["sddl"], names)]
    for entry in files:
        if file_kind(entry["name"]) == "pkcs12" and entry.get("sddl"):
            problems += ["%s: %s" % (entry["name"], p) for p in differences(FILE_SDDL, entry["sddl"], names)]
    unresolved = expected.get("unresolved") or []
    if unresolved:
        problems.append("this host cannot resolve %s to a SID" % ", ".join(unresolved))
    if problems:
        return check("chaves", WARN, "%s (the rnds_certificate role fixes this)." % "; ".join(problems))
    return check(
        "chaves",
        PASS,
        "%s: owner Administrators, closed to all but SYSTEM, Administrators and the extra principals." % path,
    )


def check_chaves(chaves: dict, path: str, expected: dict, files: list | None = None) -> dict:
    if not chaves.get("exists"):
        return check("chaves", FAIL, "%s does not exist: deploy with the rnds_certificate role." % path)
    if chaves.get("readable") is False and chaves.get("is_dir") is False:
        return check("chaves", FAIL, "Cannot look at %s: %s." % (path, chaves.get("error") or "access denied"))
    if not chaves.get("is_dir"):
        return check("chaves", FAIL, "%s is not a folder." % path)
    if expected.get("windows"):
        return check_windows_descriptors(chaves, files or [], path, expected)
    if chaves.get("owner") is None:
        return check("chaves", UNKNOWN, "%s exists; its owner and mode were not read." % path)
    seen = "%s:%s %s" % (chaves.get("owner"), chaves.get("group"), chaves.get("mode"))
    wanted = "%s:%s %s" % (expected.get("owner"), expected.get("group"), expected.get("dir_mode"))
    if seen != wanted:
        return check(
            "chaves", WARN, "%s is %s, expected %s (the rnds_certificate role fixes this)." % (path, seen, wanted)
        )
    return check("chaves", PASS, "%s is %s." % (path, seen))


_BECOME = "run the audit with become (esus_pec_become: true, the default; the user needs sudo on the host)"
_ADMINISTRATOR = "run the audit as a member of the host's Administrators group"


def check_files(files: list, chaves: dict, user: str | None = None, windows: bool = False) -> tuple[dict, dict | None]:
    """(check, the one PKCS#12 file or None)."""
    if not chaves.get("exists"):
        return check("certificate_file", UNKNOWN, "No chaves folder to look in."), None
    as_user = " as %s" % user if user else ""
    fix = _ADMINISTRATOR if windows else _BECOME
    if chaves.get("readable") is False:
        return check(
            "certificate_file",
            FAIL,
            "Cannot list chaves%s (%s), so its certificate cannot be seen: %s."
            % (as_user, chaves.get("error") or "permission denied", fix),
        ), None
    pkcs12 = [f for f in files if file_kind(f["name"]) == "pkcs12"]
    bare = [f["name"] for f in files if file_kind(f["name"]) == "certificate"]
    if not pkcs12:
        if bare:
            return check(
                "certificate_file",
                FAIL,
                "Only %s in chaves: a certificate without its private key, which "
                "PEC does not accept. Deploy the .pfx/.p12." % ", ".join(bare),
            ), None
        return check("certificate_file", FAIL, "No .pfx/.p12 in chaves: deploy the municipality's certificate."), None
    unreadable = [f["name"] for f in pkcs12 if f.get("readable") is False]
    if unreadable:
        return check(
            "certificate_file",
            FAIL,
            "Cannot read %s%s, so the certificate cannot be checked: %s." % (", ".join(unreadable), as_user, fix),
        ), None
    if len(pkcs12) > 1:
        names = ", ".join(sorted(f["name"] for f in pkcs12))
        return check(
            "certificate_file",
            FAIL,
            "%d certificates in chaves (%s): PEC accepts one. Keep the "
            "municipality's (rnds_certificate_remove_others)." % (len(pkcs12), names),
        ), None
    if bare:
        return check(
            "certificate_file",
            WARN,
            "%s found; also %s, which PEC ignores (no private key)." % (pkcs12[0]["name"], ", ".join(bare)),
        ), pkcs12[0]
    return check("certificate_file", PASS, "%s is the only certificate in chaves." % pkcs12[0]["name"]), pkcs12[0]


def check_certificate(report: dict | None) -> dict:
    if report is None:
        return check("certificate", UNKNOWN, "No single certificate to validate.")
    verdict = report["verdict"]
    status = PASS if verdict == "ok" else WARN if verdict == "expiring" else FAIL
    return check("certificate", status, report["msg"])


def check_network(results: list | None) -> dict:
    if results is None:
        return check("network", UNKNOWN, "Not checked (rnds_readiness_check_network: false).")
    if not results:
        return check("network", UNKNOWN, "No endpoint to check (rnds_readiness_endpoints is empty).")
    failed = [r for r in results if not r.get("reachable")]
    if failed:
        return check(
            "network",
            FAIL,
            "; ".join(
                "cannot reach %s:%s from the host (%s)" % (r["host"], r["port"], r.get("error") or "no answer")
                for r in failed
            )
            + ". PEC would show 'Sem conexão'.",
        )
    return check("network", PASS, "Reaches %s." % ", ".join("%s:%s" % (r["host"], r["port"]) for r in results))


def check_token(result: dict | None) -> dict | None:
    if result is None:
        return None
    status = {"accepted": PASS, "unknown": UNKNOWN}.get(result["status"], FAIL)
    return check("token", status, result["reason"])


def predict_pec_status(checks: list, verdict: str | None) -> str:
    by_name = {c["name"]: c for c in checks}
    if verdict == "expired":
        return "Certificado expirado"
    if any(by_name.get(n, {}).get("status") == FAIL for n in ("pec", "chaves", "certificate_file", "certificate")):
        return "Falha no certificado"
    if by_name.get("token", {}).get("status") == FAIL:
        return "Falha no certificado"
    if by_name.get("network", {}).get("status") == FAIL:
        return "Sem conexão"
    return "Conexão bem-sucedida"


def assess(probe: dict, certificate_report: dict | None, expected: dict, token: dict | None = None) -> dict:
    """The readiness of one host: {ready, checks, reasons, verdict, days_left, pec_status, pec_version}."""
    root = expected["pec_root"]
    chaves_path = expected["chaves"]
    checks = [check_pec(probe.get("pec") or {}, root)]
    if (probe.get("pec") or {}).get("installed"):
        files = probe.get("files") or []
        checks.append(check_chaves(probe.get("chaves") or {}, chaves_path, expected, files))
        files_check, _single = check_files(
            files, probe.get("chaves") or {}, probe.get("user"), windows=bool(expected.get("windows"))
        )
        checks.append(files_check)
    else:
        checks.append(check("chaves", UNKNOWN, "No PEC installation to look in."))
        checks.append(check("certificate_file", UNKNOWN, "No PEC installation to look in."))
    checks.append(check_certificate(certificate_report))
    checks.append(check_network(probe.get("network")))
    token_check = check_token(token)
    if token_check is not None:
        checks.append(token_check)
    verdict = certificate_report["verdict"] if certificate_report else None
    certificate = (certificate_report or {}).get("certificate") or {}
    return {
        "ready": not any(c["status"] == FAIL for c in checks),
        "checks": checks,
        "reasons": [c["reason"] for c in checks if c["status"] in (FAIL, WARN)],
        "verdict": verdict,
        "days_left": certificate.get("days_left"),
        "not_after": certificate.get("not_after"),
        "cnpj": certificate.get("cnpj"),
        "pec_status": predict_pec_status(checks, verdict),
        "pec_version": probe.get("pec", {}).get("version"),
    }
