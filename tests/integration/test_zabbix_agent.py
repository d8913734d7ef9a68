# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Zabbix template's items, answered by a real Zabbix agent 2 (Debian's zabbix-agent2, 6.0) from the local
facts a real audit wrote.

Two sandbox PEC servers (one ready, one with a wrong password in the vault) are audited by esus.pec.rnds_audit
in one ansible-playbook run; then for every item of extras/zabbix's template the agent answers its key
(``zabbix_agent2 -t KEY``, the template's macros set as a host would set them), the template's own preprocessing
steps are applied (tests/support/zabbix.py) and the value the server would store is compared with what the
audit wrote in the fact. A key the fact does not hold (or holds as null) must end "not supported", as on a server.
The agent runs on the controller machine, reading the facts the audit left in the test's folder: the same binary
and the same key a PEC server's agent would run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support import zabbix
from tests.support.audit import audit_play, sandbox_pec
from tests.support.collection import ansible_env, run_playbook
from tests.support.leaks import leaks, password_forms
from tests.support.pki import cnpj

pytestmark = pytest.mark.skipif(not Path(zabbix.AGENT).is_file(), reason="zabbix_agent2 is not installed")

CNPJ = cnpj("252525250001")
PASSWORD = "Zabbix-agent-25"
FACT_KEYS = {  # item key: the fact's key it reads
    "esus.pec.rnds_ready": "rnds_ready",
    "esus.pec.certificate.not_after": "not_after_timestamp",
    "esus.pec.pec_status": "pec_status",
    "esus.pec.verdict": "verdict",
    "esus.pec.codes": "codes",
}


@pytest.fixture(scope="module")
def audited(pki, tmp_path_factory):
    """{host: fact path} after one real audit of a ready and a not-ready sandbox PEC server."""
    work = tmp_path_factory.mktemp("zabbix")
    hosts = {}
    for name, password in (("pec-zabbix-ready", PASSWORD), ("pec-zabbix-wrong-password", "Not-" + PASSWORD)):
        _root, host = sandbox_pec(pki, work / name, CNPJ, PASSWORD, name)
        host["certificate_password"] = password
        hosts[name] = host
    (work / "audit.yml").write_text(audit_play(CNPJ))
    (work / "inventory.json").write_text(json.dumps({"pec": {"hosts": hosts}}))
    result = run_playbook(work / "audit.yml", work / "inventory.json", ansible_env())
    assert result.returncode == 0, result.stdout[-3000:]
    config = work / "zabbix_agent2.conf"
    config.write_text(
        "Hostname=pec-zabbix\nServer=127.0.0.1\nLogType=console\nControlSocket=%s\nPluginSocket=%s\n"
        % (work / "agent.sock", work / "agent.plugin.sock")
    )
    return {"facts": {name: Path(host["fact_path"]) for name, host in hosts.items()}, "config": config}


def server_values(config: Path, fact_path: Path) -> dict:
    """{item key: the value the server would store, or ("not supported", why)} for every item of the template,
    with the template's macros and the fact path as the host's macro."""
    template = zabbix.load()["zabbix_export"]["templates"][0]
    macros = {m["macro"]: m["value"] for m in template["macros"]}
    macros["{$ESUS.PEC.FACT.PATH}"] = str(fact_path)
    macros["{$ESUS.PEC.AUDIT.FILE}"] = str(fact_path)  # see test_the_audit_time_item_reads_a_file_time
    items = {item["key"]: item for item in template["items"]}
    collected = {
        key: zabbix.agent_test(config, zabbix.expand(key, macros)) for key, i in items.items() if "master_item" not in i
    }
    values = {}
    for key, item in items.items():
        supported, raw = collected[item["master_item"]["key"] if "master_item" in item else key]
        if not supported:
            values[key] = ("not supported", raw)
            continue
        try:
            values[key] = zabbix.server_value(item, raw)
        except zabbix.PreprocessingError as error:
            values[key] = ("not supported", str(error))
    return values


def expected(fact: dict, fact_key: str):
    value = fact.get(fact_key)
    if value is None:
        return "not supported"
    if isinstance(value, bool):
        return int(value)
    return value


@pytest.mark.parametrize("host", ["pec-zabbix-ready", "pec-zabbix-wrong-password"])
def test_the_agent_answers_what_the_audit_wrote(audited, host):
    fact_path = audited["facts"][host]
    fact = json.loads(fact_path.read_text())
    assert fact["rnds_ready"] is (host == "pec-zabbix-ready")
    values = server_values(audited["config"], fact_path)
    assert json.loads(values.pop("vfs.file.contents[{$ESUS.PEC.FACT.PATH}]")) == fact
    for key, fact_key in FACT_KEYS.items():
        got = values[key]
        got = got[0] if isinstance(got, tuple) else got
        if key == "esus.pec.codes" and got != "not supported":
            got = json.loads(got)
        assert got == expected(fact, fact_key), key
    assert values["esus.pec.rnds_ready"] == (1 if host == "pec-zabbix-ready" else 0)
    if host == "pec-zabbix-wrong-password":
        assert values["esus.pec.pec_status"] == "Falha no certificado"
        assert values["esus.pec.verdict"] == "wrong_password"


def test_the_audit_time_item_reads_a_file_time(audited):
    """vfs.file.time[FILE,modify] as the agent answers it: the file's modification time. Here the macro points at
    the fact; on a host it points at the file every audit rewrites (esus_pec_rnds_audit.prom in the metrics
    folder), which this branch's audit does not write yet."""
    fact_path = audited["facts"]["pec-zabbix-ready"]
    os.utime(fact_path, (1_800_000_000, 1_800_000_000))
    values = server_values(audited["config"], fact_path)
    assert values["vfs.file.time[{$ESUS.PEC.AUDIT.FILE},modify]"] == 1_800_000_000


def test_a_missing_fact_makes_every_item_not_supported(audited, tmp_path):
    values = server_values(audited["config"], tmp_path / "no-such.fact")
    assert {v[0] for v in values.values()} == {"not supported"}


def test_no_secret_reaches_the_agent(audited):
    for host, fact_path in audited["facts"].items():
        answer = zabbix.agent_test(audited["config"], "vfs.file.contents[%s]" % fact_path)[1]
        assert not leaks(answer, password_forms(PASSWORD) + password_forms("Not-" + PASSWORD)), host


FORMAT_2 = {  # the fact's format 2 (docs/monitoring.md: absolute dates and codes): ready, with two warnings
    "checks": {"certificate": {"code": "certificate.expiring", "status": "warn", "values": {}}},
    "codes": ["chaves.permissions", "certificate.expiring"],
    "format": 2,
    "not_after": "2027-06-25T12:00:00Z",
    "not_after_timestamp": 1813924800,
    "pec_status": "Conexão bem-sucedida",
    "pec_version": "5.3.21",
    "rnds_ready": True,
    "verdict": "expiring",
}


def test_the_agent_answers_a_format_2_fact(audited, tmp_path):
    """The keys the audit writes once the fact holds absolute dates and codes (docs/monitoring.md), read the same
    way: the expiry as Unix seconds, the codes as a JSON list."""
    fact_path = tmp_path / "esus_pec_rnds.fact"
    fact_path.write_text(json.dumps(FORMAT_2, indent=2, sort_keys=True) + "\n")
    values = server_values(audited["config"], fact_path)
    assert values["esus.pec.certificate.not_after"] == 1813924800
    assert json.loads(values["esus.pec.codes"]) == ["chaves.permissions", "certificate.expiring"]
    assert (values["esus.pec.rnds_ready"], values["esus.pec.verdict"]) == (1, "expiring")
    assert values["esus.pec.pec_status"] == "Conexão bem-sucedida"
