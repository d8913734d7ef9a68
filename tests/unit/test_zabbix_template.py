# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""extras/zabbix's template is a well-formed Zabbix 6.0 export (tests/support/zabbix.py's schema and
cross-references), with the triggers of the Prometheus alert rules; each check refuses a broken copy."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from tests.support import zabbix


@pytest.fixture()
def export():
    return zabbix.load()


def problems(export: dict) -> list[str]:
    found = [error.message for error in jsonschema.Draft202012Validator(zabbix.SCHEMA).iter_errors(export)]
    return found or zabbix.cross_reference_errors(export)


def test_the_shipped_template_is_well_formed(export):
    assert problems(export) == []


def test_the_triggers_match_the_prometheus_alerts(export):
    template = export["zabbix_export"]["templates"][0]
    triggers = {
        t["expression"]: (t["priority"], item["key"]) for item in template["items"] for t in item.get("triggers", [])
    }
    name = template["template"]
    assert triggers == {
        # EsusPecCertificateExpiringSoon: not_after is absolute, the days are computed by the server
        "(last(/%s/esus.pec.certificate.not_after)-now())/86400<{$ESUS.PEC.EXPIRY.WARN}" % name: (
            "WARNING",
            "esus.pec.certificate.not_after",
        ),
        # EsusPecHostNotReady: not ready a day ago and ever since
        "last(/%s/esus.pec.rnds_ready,#1:now-1d)=0 and max(/%s/esus.pec.rnds_ready,1d)=0" % (name, name): (
            "HIGH",
            "esus.pec.rnds_ready",
        ),
        # EsusPecAuditStale
        "now()-last(/%s/vfs.file.time[{$ESUS.PEC.AUDIT.FILE},modify])>{$ESUS.PEC.AUDIT.MAX_AGE}" % name: (
            "WARNING",
            "vfs.file.time[{$ESUS.PEC.AUDIT.FILE},modify]",
        ),
    }
    macros = {m["macro"]: m["value"] for m in template["macros"]}
    assert (macros["{$ESUS.PEC.EXPIRY.WARN}"], macros["{$ESUS.PEC.AUDIT.MAX_AGE}"]) == ("30", "8d")
    assert macros["{$ESUS.PEC.FACT.PATH}"] == "/etc/ansible/facts.d/esus_pec_rnds.fact"


def _item(export, key):
    return next(i for i in export["zabbix_export"]["templates"][0]["items"] if i["key"] == key)


BREAKAGES = {
    "a uuid that is not a UUIDv4": lambda e: _item(e, "esus.pec.verdict").update(uuid="esus-pec-verdict"),
    "the same uuid twice": lambda e: _item(e, "esus.pec.verdict").update(uuid=_item(e, "esus.pec.codes")["uuid"]),
    "an unknown item type": lambda e: _item(e, "esus.pec.verdict").update(type="DEPENDANT"),
    "an unknown value type": lambda e: _item(e, "esus.pec.verdict").update(value_type="STRING"),
    "an unknown preprocessing step": lambda e: _item(e, "esus.pec.verdict")["preprocessing"][0].update(
        type="JSON_PATH"
    ),
    "a misspelt tag": lambda e: _item(e, "esus.pec.verdict").update(master_key="x"),
    "a missing item key": lambda e: _item(e, "esus.pec.verdict").pop("key"),
    "a master item that does not exist": lambda e: _item(e, "esus.pec.verdict").update(
        master_item={"key": "vfs.file.contents[/x]"}
    ),
    "a trigger on an item that does not exist": lambda e: _item(e, "esus.pec.rnds_ready")["triggers"][0].update(
        expression="max(/esus.pec RNDS by Zabbix agent 2/esus.pec.ready,1d)=0"
    ),
    "a trigger on another host": lambda e: _item(e, "esus.pec.rnds_ready")["triggers"][0].update(
        expression="max(/pec-server/esus.pec.rnds_ready,1d)=0"
    ),
    "a macro nobody defines": lambda e: _item(e, "esus.pec.certificate.not_after")["triggers"][0].update(
        expression="(last(/esus.pec RNDS by Zabbix agent 2/esus.pec.certificate.not_after)-now())/86400<{$CERT.WARN}"
    ),
    "a value map nobody defines": lambda e: _item(e, "esus.pec.rnds_ready").update(valuemap={"name": "ready"}),
    "another export version": lambda e: e["zabbix_export"].update(version="7.0"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_template_is_refused(export, breakage):
    broken = copy.deepcopy(export)
    BREAKAGES[breakage](broken)
    assert problems(broken)
