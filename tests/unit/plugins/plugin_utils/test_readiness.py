# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every readiness check's pass and fail paths, on plain data: the code each gives is the contract (its status,
group and PEC status come from readiness_codes), the English reason carries the values (the fleet report's
builders: test_report.py)."""

from __future__ import annotations

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils import readiness as r
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CODES

EXPECTED = {
    "pec_root": "/opt/e-SUS/webserver",
    "chaves": "/opt/e-SUS/webserver/chaves",
    "owner": "root",
    "group": "root",
    "dir_mode": "0750",
    "service": "e-SUS-PEC",
    "pec_root_variable": "pec_root (rnds_certificate_pec_root)",
    "controller_time": 1_800_000_000.0,
    "max_clock_skew": 300,
}
# pec.config as the Linux installer writes it, as the probe reads it back (never its database keys)
PEC = {
    "installed": True,
    "config": "read",
    "config_path": "/etc/pec.config",
    "config_error": None,
    "success": True,
    "production": True,
    "version": "5.3.21",
    "webserver_version": "5.3.21",
    "directory": "/opt/e-SUS",
    "webserver_directory": "/opt/e-SUS/webserver",
    "jre_version": "17.0.10-linux_x64",
}
WINDOWS = {
    "pec_root": "C:\\Program Files\\e-SUS\\webserver",
    "chaves": "C:\\Program Files\\e-SUS\\webserver\\chaves",
    "windows": True,
    "sddl": "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)",
}
CLOSED = "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"  # as the probe reads it: owner and DACL, aliases (issue 27: no G:)
INHERITING = "O:BAD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)"
OK_REPORT = {"verdict": "ok", "msg": "valid", "certificate": {"days_left": 200, "not_after": "x", "cnpj": "1"}}


def probe(**changes) -> dict:
    base = {
        "pec": dict(PEC),
        "service": {"name": "e-SUS-PEC", "state": "active", "detail": "active/running"},
        "time": 1_800_000_002.5,
        "cadsus": {"https": "certmgr", "govbr_login": True, "application_properties": "read"},
        "chaves": {"exists": True, "is_dir": True, "owner": "root", "group": "root", "mode": "0750"},
        "files": [{"name": "3550308.pfx", "size": 3000, "sha1": "a"}],
        "network": [{"host": "ehr-auth.saude.gov.br", "port": 443, "reachable": True, "error": None}],
    }
    base.update(changes)
    return base


def statuses(result: dict) -> dict:
    return {c["name"]: c["status"] for c in result["checks"]}


def codes(result: dict) -> dict:
    return {c["name"]: c["code"] for c in result["checks"]}


def test_all_good():
    result = r.assess(probe(), OK_REPORT, EXPECTED)
    assert result["ready"] is True
    assert set(statuses(result).values()) == {"pass"}
    assert result["pec_status"] == "Conexão bem-sucedida" and result["pec_version"] == "5.3.21"
    assert result["reasons"] == [] and result["codes"] == []
    assert codes(result) == {
        "pec": "pec.installed",
        "chaves": "chaves.ok",
        "certificate_file": "certificate_file.ok",
        "certificate": "certificate.ok",
        "network": "network.ok",
        "pec_config": "pec_config.ok",
        "service": "service.active",
        "clock": "clock.ok",
    }
    assert result["cadsus_ready"] is True and result["cadsus_codes"] == []


def test_no_pec():
    result = r.assess(probe(pec={"installed": False}), None, EXPECTED)
    assert statuses(result)["pec"] == "fail" and statuses(result)["chaves"] == "unknown"
    assert result["ready"] is False and "not installed" in result["reasons"][0]
    assert result["codes"] == ["pec.not_installed"] and codes(result)["chaves"] == "chaves.not_checked"


def test_version_unknown_is_still_a_pass():
    result = r.assess(probe(pec=dict(PEC, version=None)), OK_REPORT, EXPECTED)
    assert statuses(result)["pec"] == "pass" and "version unknown" in result["checks"][0]["reason"]
    assert codes(result)["pec"] == "pec.version_unknown"


@pytest.mark.parametrize(
    "chaves, status, code",
    [
        ({"exists": False}, "fail", "chaves.missing"),
        ({"exists": True, "is_dir": False}, "fail", "chaves.not_a_folder"),
        ({"exists": True, "is_dir": False, "readable": False, "error": "denied"}, "fail", "chaves.unreadable"),
        ({"exists": True, "is_dir": True}, "unknown", "chaves.owner_not_read"),
        (
            {"exists": True, "is_dir": True, "owner": "pec", "group": "root", "mode": "0750"},
            "warn",
            "chaves.permissions",
        ),
        (
            {"exists": True, "is_dir": True, "owner": "root", "group": "root", "mode": "0777"},
            "warn",
            "chaves.permissions",
        ),
    ],
)
def test_chaves(chaves, status, code):
    result = r.assess(probe(chaves=chaves), OK_REPORT, EXPECTED)
    assert (statuses(result)["chaves"], codes(result)["chaves"]) == (status, code)
    assert (code in result["codes"]) is (status in ("fail", "warn"))


def test_chaves_permissions_carries_what_was_seen_and_wanted():
    found = r.check_chaves(
        {"exists": True, "is_dir": True, "owner": "pec", "group": "root", "mode": "0777"}, "/c", EXPECTED
    )
    assert found["values"] == {"path": "/c", "seen": "pec:root 0777", "wanted": "root:root 0750"}
    assert "/c is pec:root 0777, expected root:root 0750" in found["reason"]


@pytest.mark.parametrize(
    "chaves_sddl, file_sddl, status, words",
    [
        (CLOSED, INHERITING, "pass", "owner Administrators"),
        (
            "O:BAD:AI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICIID;0x1200a9;;;BU)",
            INHERITING,
            "warn",
            "inherits access from its parent folder",
        ),
        (CLOSED + "(A;OICI;0x1200a9;;;BU)", INHERITING, "warn", "also has allow Users (S-1-5-32-545) ReadAndExecute"),
        (
            "O:S-1-5-21-1-2-3-1001D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)",
            INHERITING,
            "warn",
            "owner is S-1-5-21-1-2-3-1001",
        ),
        ("O:BAD:PAI(A;OICI;FA;;;SY)", INHERITING, "warn", "lacks allow Administrators"),
        (CLOSED, "O:BAD:AI(A;;FA;;;BU)(A;ID;FA;;;SY)", "warn", "3550308.pfx: also has allow Users"),
        (CLOSED, "O:BAD:PAI(A;;FA;;;SY)(A;;FA;;;BA)", "warn", "does not take its access from chaves"),
        (CLOSED, "O:S-1-5-21-9-9-9-500D:AI(A;ID;FA;;;SY)", "warn", "3550308.pfx: owner is S-1-5-21-9-9-9-500"),
        (None, INHERITING, "unknown", "was not read"),
    ],
)
def test_windows_descriptors(chaves_sddl, file_sddl, status, words):
    """The descriptors as win_pec_probe returns them (SDDL with Windows' own aliases), against the intended one."""
    chaves = {"exists": True, "is_dir": True, "readable": True, "sddl": chaves_sddl, "error": "access denied"}
    files = [{"name": "3550308.pfx", "size": 1, "sha1": "x", "sddl": file_sddl, "readable": True}]
    result = r.assess(probe(chaves=chaves, files=files), OK_REPORT, WINDOWS)
    check = next(c for c in result["checks"] if c["name"] == "chaves")
    assert (check["status"], words in check["reason"]) == (status, True), check["reason"]
    code = {"pass": "chaves.descriptor_ok", "warn": "chaves.descriptor", "unknown": "chaves.descriptor_not_read"}
    assert check["code"] == code[status]
    if status == "warn":
        assert words in check["values"]["problems"]


def test_windows_errors_are_errors_not_absences():
    denied = {"installed": False, "error": "Access to the path is denied."}
    result = r.assess(probe(pec=denied), OK_REPORT, WINDOWS)
    assert "Access to the path is denied" in result["checks"][0]["reason"]
    assert "not installed" not in result["checks"][0]["reason"] and result["codes"][0] == "pec.unreadable"
    unreadable = {"exists": True, "is_dir": True, "readable": False, "sddl": CLOSED, "error": "Access denied"}
    files_check = next(
        c
        for c in r.assess(probe(chaves=unreadable, files=[]), None, WINDOWS)["checks"]
        if c["name"] == "certificate_file"
    )
    assert files_check["status"] == "fail" and "Administrators group" in files_check["reason"]
    assert files_check["code"] == "certificate_file.unlistable"


def test_windows_version_unknown_says_where_it_was_looked_for():
    pec = {"installed": True, "version": None, "version_source": "the Windows uninstall registry"}
    reason = r.assess(probe(pec=pec), OK_REPORT, WINDOWS)["checks"][0]["reason"]
    assert "the Windows uninstall registry" in reason and "/etc/pec.config" not in reason


@pytest.mark.parametrize(
    "names, status, code",
    [
        ([], "fail", "certificate_file.missing"),
        (["a.cer"], "fail", "certificate_file.certificate_only"),
        (["a.pfx", "b.p12"], "fail", "certificate_file.several"),
        (["a.pfx", "a.cer"], "warn", "certificate_file.stray"),
        (["a.PFX", "a.pfx.1234.2026-01-01@10:00:00~"], "pass", "certificate_file.ok"),
    ],
)
def test_certificate_files(names, status, code):
    files = [{"name": n, "size": 1, "sha1": "x"} for n in names]
    result = r.assess(probe(files=files), OK_REPORT if status != "fail" else None, EXPECTED)
    assert (statuses(result)["certificate_file"], codes(result)["certificate_file"]) == (status, code)


def test_several_certificates_carry_their_count_and_names():
    files = [{"name": n, "size": 1, "sha1": "x"} for n in ("b.p12", "a.pfx")]
    found, single = r.check_files(files, {"exists": True})
    assert single is None and found["values"] == {"count": 2, "names": "a.pfx, b.p12"}


@pytest.mark.parametrize(
    "verdict, status, pec_status",
    [
        ("ok", "pass", "Conexão bem-sucedida"),
        ("expiring", "warn", "Conexão bem-sucedida"),
        ("expired", "fail", "Certificado expirado"),
        ("wrong_password", "fail", "Falha no certificado"),
    ],
)
def test_certificate_verdicts(verdict, status, pec_status):
    result = r.assess(probe(), {"verdict": verdict, "msg": verdict, "certificate": None}, EXPECTED)
    assert statuses(result)["certificate"] == status and codes(result)["certificate"] == "certificate.%s" % verdict
    assert result["checks"][3]["reason"] == verdict  # the PKCS#12 core's own message
    assert result["pec_status"] == pec_status
    assert result["ready"] is (status != "fail")


def test_network_fail_predicts_sem_conexao_and_skipped_is_unknown():
    down = probe(
        network=[{"host": "ehr-auth.saude.gov.br", "port": 443, "reachable": False, "error": "Connection refused"}]
    )
    result = r.assess(down, OK_REPORT, EXPECTED)
    assert statuses(result)["network"] == "fail" and result["pec_status"] == "Sem conexão"
    assert "Connection refused" in result["reasons"][0] and result["codes"] == ["network.unreachable"]
    assert result["checks"][4]["values"] == {"failed": "ehr-auth.saude.gov.br:443 (Connection refused)"}
    skipped = r.assess(probe(network=None), OK_REPORT, EXPECTED)
    assert statuses(skipped)["network"] == "unknown" and skipped["ready"] is True
    assert codes(skipped)["network"] == "network.not_checked" and skipped["codes"] == []


def test_token_rejected_is_a_failure():
    result = r.assess(probe(), OK_REPORT, EXPECTED, {"status": "rejected", "reason": "HTTP 403"})
    assert statuses(result)["token"] == "fail" and result["pec_status"] == "Falha no certificado"
    assert result["codes"] == ["token.refused"] and "HTTP 403" in result["reasons"][0]


def test_a_chaves_that_cannot_be_listed_is_not_reported_as_empty():
    """Without become a root-only chaves looks empty: the audit must say it could not look, and why."""
    folder = {"exists": True, "is_dir": True, "readable": False, "error": "Permission denied"}
    found, single = r.check_files([], folder, "pecadmin")
    assert single is None and found["status"] == r.FAIL
    assert "Cannot list chaves as pecadmin (Permission denied)" in found["reason"]
    assert "become" in found["reason"] and "No .pfx" not in found["reason"]
    assert found["code"] == "certificate_file.unlistable"


def test_a_certificate_that_cannot_be_read_asks_for_become():
    files = [{"name": "3550308.pfx", "size": 3000, "sha1": None, "readable": False}]
    found, single = r.check_files(files, {"exists": True, "readable": True}, "pecadmin")
    assert single is None and found["status"] == r.FAIL
    assert "Cannot read 3550308.pfx as pecadmin" in found["reason"] and "become" in found["reason"]
    assert found["code"] == "certificate_file.unreadable"
    assert r.check_files(files, {"exists": True, "readable": True})[0]["reason"].startswith(
        "Cannot read 3550308.pfx, so"
    )  # no user known: the sentence says nothing of one


@pytest.mark.parametrize(
    "verdict, code",
    [
        ("expired", "certificate.expired"),
        ("identity_mismatch", "certificate.identity_mismatch"),
        ("no_private_key", "certificate.no_private_key"),
        ("a_verdict_not_known_yet", "certificate.invalid"),
    ],
)
def test_every_verdict_is_a_certificate_code(verdict, code):
    found = r.check_certificate({"verdict": verdict, "msg": "m", "certificate": None})
    assert found["code"] == code and found["status"] == CODES[code].status == "fail"


def test_a_host_s_first_failure_decides_what_pec_would_show():
    down = [{"host": "h", "port": 443, "reachable": False, "error": "timed out"}]
    both = r.assess(probe(network=down), {"verdict": "wrong_password", "msg": "m", "certificate": None}, EXPECTED)
    assert both["codes"] == ["certificate.wrong_password", "network.unreachable"]
    assert both["pec_status"] == "Falha no certificado"
    expired = r.assess(
        probe(pec={"installed": False}), {"verdict": "expired", "msg": "m", "certificate": None}, EXPECTED
    )
    assert expired["pec_status"] == "Certificado expirado"  # PEC says so whatever else is wrong
