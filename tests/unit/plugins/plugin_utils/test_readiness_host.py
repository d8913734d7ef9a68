# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 23's decisions on plain data: PEC as the installer left it, its service, the clock, the UF's EHR services
host (DNS or TCP), CADSUS as a second verdict. Each decision through assess, as the audit makes it."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from ansible_collections.esus.pec.plugins.plugin_utils import _readiness_host as h
from ansible_collections.esus.pec.plugins.plugin_utils import readiness as r
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CODES, reason
from tests.support.pki import Pki
from tests.unit.plugins.plugin_utils.test_readiness import EXPECTED, OK_REPORT, PEC, probe


def assess(**changes):
    return r.assess(probe(**changes), OK_REPORT, EXPECTED)


@pytest.mark.parametrize(
    ("pec", "code", "ready"),
    [
        (dict(PEC, success=False), "pec_config.unfinished", False),
        (dict(PEC, production=False), "pec_config.training", False),
        (dict(PEC, version="4.1.18"), "pec_config.too_old", False),
        (dict(PEC, version="5.1.14"), "pec_config.no_direct_sending", True),
        (dict(PEC, version="4.2.0"), "pec_config.no_direct_sending", True),
        (dict(PEC, version="5.2.0"), "pec_config.ok", True),
        (dict(PEC, config="missing"), "pec_config.missing", True),
        (dict(PEC, config="unreadable", config_error="Permission denied"), "pec_config.unreadable", True),
        (dict(PEC, config="invalid", config_error="not JSON"), "pec_config.unreadable", True),
    ],
)
def test_the_installers_record_decides(pec, code, ready):
    result = assess(pec=pec)
    assert code in {c["code"] for c in result["checks"]} and result["ready"] is ready
    if CODES[code].status != "pass":
        assert code in result["codes"]


def test_pec_root_one_level_too_high_is_not_ready_and_names_both_paths_and_the_variable():
    """The issue's false green: rnds_certificate_pec_root /opt/e-SUS (pec.config's ``directory``)."""
    expected = dict(EXPECTED, pec_root="/opt/e-SUS", chaves="/opt/e-SUS/chaves")
    result = r.assess(probe(), OK_REPORT, expected)
    assert result["ready"] is False and result["codes"] == ["pec_config.other_root"]
    said = result["reasons"][0]
    assert "/opt/e-SUS," in said and "/opt/e-SUS/webserver" in said and "rnds_certificate_pec_root" in said
    assert r.assess(probe(), OK_REPORT, dict(EXPECTED, pec_root="/opt/e-SUS/webserver/"))["ready"] is True


def test_a_training_install_predicts_nothing_sent_and_lands_in_its_group():
    result = assess(pec=dict(PEC, production=False))
    assert result["pec_status"].startswith("Nada é enviado") and CODES["pec_config.training"].group == "pec_install"


def test_windows_reads_no_pec_config():
    found = h.check_install({"installed": True}, "C:\\x", "pec_root", True)
    assert [c["code"] for c in found] == ["pec_config.not_checked"]


@pytest.mark.parametrize(
    ("state", "code", "ready"),
    [
        ("active", "service.active", True),
        ("inactive", "service.inactive", False),
        ("failed", "service.failed", False),
        ("not_installed", "service.not_installed", False),
        ("no_systemd", "service.cannot_tell", True),
        ("unknown", "service.cannot_tell", True),
    ],
)
def test_the_service_state_decides(state, code, ready):
    result = assess(service={"name": "e-SUS-PEC", "state": state, "detail": "x"})
    assert {c["name"]: c["code"] for c in result["checks"]}["service"] == code and result["ready"] is ready
    if not ready:
        assert result["pec_status"] == "PEC fora do ar (não abre)"


def test_an_empty_service_name_does_not_check():
    result = r.assess(probe(service=None), OK_REPORT, dict(EXPECTED, service=""))
    assert {c["name"]: c["code"] for c in result["checks"]}["service"] == "service.not_checked"
    assert result["codes"] == []


@pytest.mark.parametrize(
    ("shift", "code"), [(0, "clock.ok"), (299, "clock.ok"), (-301, "clock.skewed"), (3600, "clock.skewed")]
)
def test_a_shifted_host_clock_is_a_warning(shift, code):
    result = assess(time=EXPECTED["controller_time"] + shift)
    clock = {c["name"]: c for c in result["checks"]}["clock"]
    assert clock["code"] == code and result["ready"] is True
    if code == "clock.skewed":
        assert result["codes"] == ["clock.skewed"]
        assert ("behind" if shift < 0 else "ahead of") in clock["reason"] and str(abs(shift)) in clock["reason"]


def test_the_uf_host_and_whether_dns_or_tcp_failed():
    assert h.ehr_services_host("SP", "production") == "sp-ehr-services.saude.gov.br"
    assert h.ehr_services_host("sp", "homologation") == "ehr-services.hmg.saude.gov.br"
    assert h.ehr_services_host("", "production") is None and h.ehr_services_host("São", "production") is None
    auth = {"host": "ehr-auth.saude.gov.br", "port": 443, "reachable": True, "error": None, "stage": None}
    dns = {
        "host": "sp-ehr-services.saude.gov.br",
        "port": 443,
        "reachable": False,
        "error": "cannot resolve the name",
        "stage": "dns",
    }
    tcp = dict(dns, error="Connection refused", stage="tcp")
    unresolved = assess(network=[auth, dns])
    assert (
        unresolved["codes"] == ["network.unresolved"] and "sp-ehr-services.saude.gov.br:443" in unresolved["reasons"][0]
    )
    assert "DNS" in unresolved["reasons"][0] and unresolved["pec_status"] == "Sem conexão"
    refused = assess(network=[auth, tcp])
    assert refused["codes"] == ["network.unreachable"] and "Connection refused" in refused["reasons"][0]
    assert "ehr-auth" not in refused["reasons"][0]


def _der(tmp_path, days: int) -> str:
    pki = Pki(tmp_path)
    _key, cert = pki.leaf(days_from=-400, days_to=days)
    return base64.b64encode(cert.public_bytes(Encoding.DER)).decode()


def test_cadsus_is_a_second_verdict_that_never_decides_rnds(tmp_path):
    none = assess(cadsus={"https": None, "govbr_login": False, "application_properties": "read"})
    assert none["ready"] is True and none["codes"] == [] and none["cadsus_ready"] is False
    assert none["cadsus_codes"] == ["cadsus.no_https", "cadsus.no_govbr_login"]
    port = {"port": 443, "answered": True, "certificate_der_b64": _der(tmp_path / "a", 90)}
    good = assess(cadsus={"https": "certmgr", "govbr_login": True, "port": port})
    assert good["cadsus_ready"] is True and [c["code"] for c in good["cadsus_checks"]] == [
        "cadsus.ready",
        "cadsus.https_ok",
    ]
    assert good["cadsus_checks"][1]["values"]["days"] in (88, 89, 90)
    expired = dict(port, certificate_der_b64=_der(tmp_path / "b", -3))
    gone = assess(cadsus={"https": "certmgr", "govbr_login": True, "port": expired})
    assert gone["cadsus_ready"] is False and gone["cadsus_codes"] == ["cadsus.https_expired"]
    silent = assess(
        cadsus={
            "https": "certmgr",
            "govbr_login": True,
            "port": {"port": 443, "answered": False, "error": "Connection refused"},
        }
    )
    assert silent["cadsus_ready"] is True and silent["cadsus_codes"] == ["cadsus.https_silent"]
    missing = r.assess(probe(pec={"installed": False}), None, EXPECTED)
    assert missing["cadsus_ready"] is False and missing["cadsus_checks"][0]["code"] == "cadsus.not_checked"


def test_every_new_code_speaks_both_languages():
    for code in CODES:
        if code.split(".")[0] in ("pec_config", "service", "clock", "cadsus") or code == "network.unresolved":
            assert reason(code, {}, "pt-BR") and reason(code, {}, "en")


def test_the_cadsus_verdict_has_its_column_in_the_record_csv_and_page():
    from ansible_collections.esus.pec.plugins.plugin_utils import _report_csv, _report_document, _report_html

    readiness = assess(cadsus={"https": None, "govbr_login": True})
    row = _report_document.record("pec-1", readiness)
    assert row["cadsus_ready"] is False and row["cadsus_codes"] == ["cadsus.no_https"] and row["ready"] is True
    document = {"hosts": [row], "changes": {}, "language": "pt-BR"}
    lines = _report_csv.to_csv(document).splitlines()
    column = lines[0].split(";").index("pronto para o CADSUS")
    assert lines[1].split(";")[column] == "não"
    assert _report_html._page_rows(dict(document, groups={row["problem"]: 1}))[0].cadsus == "não"


STORE = {"path": "/opt/e-SUS/jre/current/lib/security/cacerts", "format": "JKS", "anchors": 145, "error": None}
AUTH_TRUSTED = {"host": "ehr-auth.saude.gov.br", "port": 443, "trusted": True, "error": None}
EHR_REFUSED = {
    "host": "sp-ehr-services.saude.gov.br",
    "port": 443,
    "trusted": False,
    "error": "unable to get local issuer certificate",
}


@pytest.mark.parametrize(
    ("asked", "trust", "code", "ready"),
    [
        ("linux", dict(STORE, endpoints=[AUTH_TRUSTED]), "trust.ok", True),
        ("linux", dict(STORE, endpoints=[AUTH_TRUSTED, EHR_REFUSED]), "trust.untrusted", False),
        ("linux", dict(STORE, endpoints=[dict(AUTH_TRUSTED, trusted=None, error="timed out")]), "trust.unknown", True),
        (
            "linux",
            dict(STORE, anchors=0, format=None, error="No such file or directory", endpoints=[]),
            "trust.unknown",
            True,
        ),
        ("linux", dict(STORE, endpoints=[]), "trust.not_checked", True),
        ("linux", None, "trust.not_checked", True),
        ("windows", None, "trust.windows", True),
    ],
)
def test_pecs_java_trust_store_decides(asked, trust, code, ready):
    """issue 23, item 3: a refused chain fails (PEC would say PKIX path building failed), whatever the other
    endpoints said; a handshake that did not happen never passes; a store that cannot be read is a warning."""
    changes = {"trust": trust} if trust is not None else {}
    result = r.assess(probe(**changes), OK_REPORT, dict(EXPECTED, check_trust=asked))
    found = [c for c in result["checks"] if c["name"] == "trust"]
    assert [c["code"] for c in found] == [code] and result["ready"] is ready
    if code == "trust.untrusted":
        assert result["pec_status"] == "Sem conexão" and result["codes"] == ["trust.untrusted"]
        assert "sp-ehr-services.saude.gov.br:443" in result["reasons"][0] and STORE["path"] in result["reasons"][0]
        assert "ehr-auth" not in result["reasons"][0]
        from ansible_collections.esus.pec.plugins.plugin_utils._report_grouping import classify

        assert classify(result) == "untrusted_server"
    if code == "trust.unknown":
        assert result["codes"] == ["trust.unknown"] and CODES[code].status == "warn"


def test_the_trust_check_is_absent_unless_asked():
    """Off by default: no trust check at all, even when a look carried one."""
    result = r.assess(probe(trust=dict(STORE, endpoints=[EHR_REFUSED])), OK_REPORT, EXPECTED)
    assert [c for c in result["checks"] if c["name"] == "trust"] == [] and result["ready"] is True


def test_every_trust_code_speaks_both_languages_and_names_the_store():
    for code in [c for c in CODES if c.startswith("trust.")]:
        values = {"path": "/x/cacerts", "failed": "h:443 (e)", "why": "w", "endpoints": "h:443", "format": "JKS"}
        for language in ("pt-BR", "en"):
            said = reason(code, dict(values, anchors=1), language)
            assert said and "{" not in said
            if code in ("trust.ok", "trust.untrusted", "trust.unknown"):
                assert "/x/cacerts" in said
