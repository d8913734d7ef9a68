# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""After esus.pec.readiness: Debian's Zabbix agent 2 on the PEC server answers every key of extras/zabbix's
template from the fact the audit wrote, as the zabbix account the agent runs as, and the template's own
preprocessing (tests/support/zabbix.py) turns its answers into the fact's values."""

from __future__ import annotations

import json
import os
import sys

import pytest

sys.path.insert(0, os.environ["MOLECULE_PROJECT_DIRECTORY"])
from tests.support import zabbix

FACT = "/etc/ansible/facts.d/esus_pec_rnds.fact"
READY = {"zbx-ready": True, "zbx-expired": False}
TEMPLATE = zabbix.load()["zabbix_export"]["templates"][0]
MACROS = {m["macro"]: m["value"] for m in TEMPLATE["macros"]}
ITEMS = {item["key"]: item for item in TEMPLATE["items"]}


@pytest.fixture()
def name(host):
    return host.backend.get_hostname()


@pytest.fixture()
def fact(host):
    return json.loads(host.file(FACT).content_string)


def agent(host, key: str) -> tuple[bool, str]:
    """``zabbix_agent2 -t KEY`` as the zabbix account, with the package's own configuration."""
    expanded = zabbix.expand(key, MACROS)
    result = host.run("sudo -u zabbix zabbix_agent2 -c /etc/zabbix/zabbix_agent2.conf -t %s", expanded)
    assert result.rc == 0 and result.stdout.startswith(expanded), result.stdout + result.stderr
    match = zabbix.AGENT_ANSWER.fullmatch(result.stdout[len(expanded) :])
    if match.group("kind") == "m" and match.group("value").startswith("ZBX_NOTSUPPORTED"):
        return False, match.group("value")
    return True, match.group("value")


def server_value(host, key: str):
    item = ITEMS[key]
    supported, raw = agent(host, item["master_item"]["key"] if "master_item" in item else key)
    if not supported:
        return "not supported"
    try:
        return zabbix.server_value(item, raw)
    except zabbix.PreprocessingError:
        return "not supported"


def test_the_agent_is_debians_6_0(host):
    assert host.package("zabbix-agent2").is_installed
    assert host.package("zabbix-agent2").version.startswith("1:6.0.")


def test_the_agent_reads_the_fact_the_audit_wrote(host, fact):
    assert json.loads(agent(host, "vfs.file.contents[{$ESUS.PEC.FACT.PATH}]")[1]) == fact


def test_ready_as_the_server_would_store_it(host, name, fact):
    assert fact["rnds_ready"] is READY[name]
    assert server_value(host, "esus.pec.rnds_ready") == int(READY[name])


def test_the_other_items_are_the_facts_values(host, name, fact):
    for key, fact_key in (("esus.pec.pec_status", "pec_status"), ("esus.pec.verdict", "verdict")):
        assert server_value(host, key) == fact[fact_key], key
    expected = {"zbx-ready": "Conexão bem-sucedida", "zbx-expired": "Certificado expirado"}
    assert server_value(host, "esus.pec.pec_status") == expected[name]
    # absolute dates and codes (the fact's format since issue 25): the server's values, or "not supported" where
    # the fact does not hold them
    not_after = fact.get("not_after_timestamp")
    assert server_value(host, "esus.pec.certificate.not_after") == (not_after if not_after else "not supported")
    codes = server_value(host, "esus.pec.codes")
    assert (json.loads(codes) if codes != "not supported" else None) == fact.get("codes")
