# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 23 (items 5 and 6) on plain data: the inventory's certificate against the deployed one, the right one
among several, what PEC would show, the renewal reminder and the expiry counts (real runs:
tests/integration/test_readiness_inventory.py)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils import readiness as r
from ansible_collections.esus.pec.plugins.plugin_utils._report_document import build, record
from ansible_collections.esus.pec.plugins.plugin_utils._report_grouping import classify
from ansible_collections.esus.pec.plugins.plugin_utils.inventory_certificate import (
    REMIND_DAYS,
    inventory_finding,
    previous_fact,
    renewal,
)
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import (
    CODE_TEXT,
    CODES,
    predict_pec_status,
    reason,
)

EXPECTED = {"pec_root": "/p", "chaves": "/p/chaves", "owner": "root", "group": "root", "dir_mode": "0750"}
GOOD = {
    "verdict": "ok",
    "valid": True,
    "msg": "valid",
    "certificate": {"days_left": 200, "not_after": "2027-06-01", "serial": "1A", "cnpj": "1"},
}
OLD = {
    "verdict": "ok",
    "valid": True,
    "msg": "valid",
    "certificate": {"days_left": 20, "not_after": "2026-12-27", "serial": "0F", "cnpj": "1"},
}
EXPIRED = {
    "verdict": "expired",
    "valid": False,
    "msg": "expired",
    "certificate": {"days_left": -3, "not_after": "2026-12-04", "serial": "0E"},
}
WRONG = {"verdict": "wrong_password", "valid": False, "msg": "wrong password", "certificate": None}


def inventory(report=GOOD, sha1="a" * 40, **changes) -> dict:
    return dict({"src": "/inv/3550308.pfx.vault", "report": report, "sha1": sha1, "vaulted": True}, **changes)


def probe(*files) -> dict:
    files = files or ({"name": "3550308.pfx", "size": 3000, "sha1": "a" * 40},)
    return {
        "pec": {"installed": True, "version": "5.3.21"},
        "chaves": {"exists": True, "is_dir": True, "owner": "root", "group": "root", "mode": "0750"},
        "files": list(files),
        "network": [{"host": "ehr-auth.saude.gov.br", "port": 443, "reachable": True, "error": None}],
    }


def steps(code: str) -> tuple:
    return CODE_TEXT["en"][code][1], CODE_TEXT["pt-BR"][code][1]


@pytest.mark.parametrize(
    ("inv", "deployed", "deployed_report", "code"),
    [
        (None, {"name": "x.pfx", "sha1": "a" * 40}, GOOD, "inventory.not_configured"),
        (inventory(), {"name": "x.pfx", "sha1": "a" * 40}, GOOD, "inventory.same"),
        (inventory(), None, None, "inventory.not_deployed"),
        (inventory(), {"name": "x.pfx", "sha1": "b" * 40}, OLD, "inventory.differs"),
        (inventory(), {"name": "x.pfx", "sha1": "b" * 40}, EXPIRED, "inventory.deploy_needed"),
        (inventory(), {"name": "x.pfx", "sha1": "b" * 40}, None, "inventory.deploy_needed"),
        (inventory(EXPIRED), {"name": "x.pfx", "sha1": "a" * 40}, EXPIRED, "inventory.expired"),
        (inventory(EXPIRED), None, None, "inventory.expired"),
        (inventory(WRONG), {"name": "x.pfx", "sha1": "b" * 40}, GOOD, "inventory.wrong_password"),
        (inventory(WRONG, None, locked=True), None, None, "inventory.vault_locked"),
        (inventory({"verdict": "missing", "valid": False}, None), None, None, "inventory.missing"),
        (inventory({"verdict": "something_new", "valid": False}), None, None, "inventory.invalid"),
        (inventory(vaulted=False), None, None, "inventory.not_vaulted"),
        (inventory(vaulted=False, allow_plaintext=True), None, None, "inventory.not_deployed"),
    ],
)
def test_inventory_findings(inv, deployed, deployed_report, code):
    assert inventory_finding(inv, deployed, deployed_report).code == code


def test_a_bad_inventory_file_never_says_run_the_deploy():
    bad = [c for c, known in CODES.items() if c.startswith("inventory.") and known.status == "fail"]
    bad = [c for c in bad if c != "inventory.deploy_needed"]
    assert len(bad) >= 13
    for code in bad:
        english, portuguese = steps(code)
        assert "deploy" not in english and "deploy" not in portuguese, code
        assert CODES[code].group.startswith("inventory_") and CODES[code].pec_status is None
    assert "e-Gestor AB" in steps("inventory.expired")[0] and "e-Gestor AB" in steps("inventory.expired")[1]
    assert "rnds_certificate_password" in steps("inventory.wrong_password")[1]
    assert "deploy" in steps("inventory.differs")[1] and "deploy" in steps("inventory.deploy_needed")[1]


def test_the_deployed_file_differs_says_what_differs():
    found = inventory_finding(inventory(), {"name": "3550308.pfx", "sha1": "b" * 40}, OLD)
    said = reason(found.code, found.values, "pt-BR")
    assert "série 0F, válido até 2026-12-27" in said and "série 1A, válido até 2027-06-01" in said
    assert said.endswith("rode o deploy (papel rnds_certificate) para instalar o do inventário.")


def test_a_vault_certificate_expired_while_the_deployed_one_is_fine_is_not_ready_and_pec_still_connects():
    found = inventory_finding(inventory(EXPIRED), {"name": "3550308.pfx", "sha1": "b" * 40}, GOOD)
    result = r.assess(probe({"name": "3550308.pfx", "size": 1, "sha1": "b" * 40}), GOOD, EXPECTED, None, found)
    assert result["ready"] is False and result["codes"] == ["inventory.expired"]
    assert result["pec_status"] == "Conexão bem-sucedida"  # PEC runs on the deployed file meanwhile
    assert classify(result) == "inventory_expired"


def test_a_bad_inventory_file_comes_before_a_missing_chaves():
    found = inventory_finding(inventory(WRONG), None, None)
    seen = dict(probe(), chaves={"exists": False}, files=[])
    result = r.assess(seen, None, EXPECTED, None, found)
    assert result["codes"][:2] == ["inventory.wrong_password", "chaves.missing"]
    assert classify(result) == "inventory_wrong_password"
    assert result["pec_status"] == "Certificado não configurado"


def test_several_pfx_with_the_inventory_s_among_them_is_a_warning_naming_the_others():
    files = [
        {"name": "3550308.pfx", "size": 1, "sha1": "a" * 40},
        {"name": "antigo.pfx", "size": 1, "sha1": "c" * 40},
        {"name": "outro.p12", "size": 1, "sha1": "d" * 40},
    ]
    result = r.assess(probe(*files), GOOD, dict(EXPECTED, wanted_sha1="a" * 40), None, ("inventory.same", {}))
    assert result["ready"] is True and result["codes"] == ["certificate_file.others"]
    check = next(c for c in result["checks"] if c["name"] == "certificate_file")
    assert check["values"] == {"name": "3550308.pfx", "others": "antigo.pfx, outro.p12"}
    assert "Gestão Municipal > Certificados, check that 3550308.pfx is the one selected" in check["reason"]
    assert classify(result) == "other_certificates"
    without = r.assess(probe(*files), None, EXPECTED)
    assert without["ready"] is False and "certificate_file.several" in without["codes"]


@pytest.mark.parametrize(
    "code", ["chaves.missing", "certificate_file.missing", "certificate_file.certificate_only", "certificate.missing"]
)
def test_no_certificate_to_enable_shows_certificado_nao_configurado(code):
    assert predict_pec_status([code]) == "Certificado não configurado"


def test_a_token_is_mutual_tls_accepted_not_an_authorisation():
    assert CODE_TEXT["pt-BR"]["token.accepted"][0].startswith("TLS mútuo aceito")
    assert "not that the certificate is authorised" in CODE_TEXT["en"]["token.accepted"][0]


TODAY = datetime.date(2026, 12, 7)


def test_a_renewal_is_remembered_and_reminded_for_two_weeks():
    first, kept = renewal({}, {"name": "n.pfx", "sha1": "a" * 40}, GOOD, TODAY)
    assert first is None and kept == {"certificate_sha1": "a" * 40, "renewed_on": None}  # a first audit
    found, kept = renewal(kept, {"name": "n.pfx", "sha1": "b" * 40}, GOOD, TODAY)
    assert found.code == "renewal.select_in_pec" and kept == {"certificate_sha1": "b" * 40, "renewed_on": "2026-12-07"}
    said = reason(found.code, found.values, "pt-BR")
    assert "selecionar n.pfx e digitar a senha dele em Gestão Municipal > Certificados" in said
    later = TODAY + datetime.timedelta(days=REMIND_DAYS - 1)
    assert renewal(kept, {"name": "n.pfx", "sha1": "b" * 40}, GOOD, later) == (found, kept)
    gone = renewal(kept, {"name": "n.pfx", "sha1": "b" * 40}, GOOD, later + datetime.timedelta(days=1))
    assert gone == (None, kept)  # the fact stays the same: no write for the reminder's end alone
    assert renewal(kept, {"name": "n.pfx", "sha1": "c" * 40}, EXPIRED, TODAY)[0] is None  # unusable: no reminder
    assert renewal(kept, None, None, TODAY)[1]["certificate_sha1"] == "b" * 40  # removed: the last one is kept


def test_a_fact_that_is_not_json_is_no_previous_fact():
    assert previous_fact("not json") == {} and previous_fact("[1]") == {} and previous_fact(None) == {}
    assert previous_fact('{"certificate_sha1": "a"}') == {"certificate_sha1": "a"}


def test_the_expiry_counts_include_the_inventory_certificates():
    rows = [
        record("same", {"ready": True, "days_left": 200, "codes": []}),
        record("vault-expired", {"ready": False, "days_left": 200, "inventory_days_left": -3, "codes": []}),
        record("nothing-deployed", {"ready": False, "days_left": None, "inventory_days_left": 20, "codes": []}),
    ]
    document = build(rows, "2026-12-07T00:00:00Z")
    assert document["expiring"]["expired"] == 1 and document["expiring"]["within_30"] == 1
    assert document["summary"]["expiring_30"] == 1
