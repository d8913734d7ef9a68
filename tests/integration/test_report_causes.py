# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hosts that were not audited keep who they are and their real cause, and the report keeps its home (issue 24).

Real esus.pec.readiness runs over real SSH (the private sshd of tests/support/sshd.py on 127.0.0.1): one host
audited as usual (``pecadmin``, passwordless sudo; its PEC folder absent), one whose sudo asks for a password
nobody gave (``pecsudo``: "Missing sudo password"), one whose Python is not where the inventory says, one on a
port where nothing listens. Each gets its own code, group and next step on the page, with the municipality, IBGE,
UF and regional group of the inventory. The playbook is run twice from two other folders (as cron would, with
a bare environment): the report stays beside the inventory, keeps its history and says what changed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import sshd
from tests.support.collection import REPO, ansible_env

pytestmark = pytest.mark.skipif(sshd.why_not() is not None, reason=str(sshd.why_not()))

PLAYBOOK = REPO / "playbooks" / "readiness.yml"
# host: (its place in the inventory, what it is like, the problem group it must land in)
CASES = {
    "pec-audited": ("Lages", "4209300", "SC", "regional_serra", "pec_missing"),
    "pec-sudo": ("Joinville", "4209102", "SC", "regional_norte", "become_failed"),
    "pec-no-python": ("Blumenau", "4202404", "SC", "regional_norte", "no_python"),
    "pec-down": ("Chapecó", "4204202", "SC", "regional_oeste", "unreachable"),
}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when this returns: nothing listens there


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sshd.loopback_sshd(tmp_path_factory.mktemp("sshd")) as found:
        yield found


@pytest.fixture
def state(server, tmp_path):
    """A state team's folder: estado/inventario/ (hosts.yml), and two other folders the play is run from."""
    inventory = tmp_path / "estado" / "inventario"
    inventory.mkdir(parents=True)
    common = {
        "ansible_host": server["host"],
        "ansible_port": server["port"],
        "ansible_user": server["user"],
        "ansible_ssh_private_key_file": server["key"],
        "ansible_ssh_common_args": server["ssh_args"],
        "ansible_python_interpreter": "/usr/bin/python3",
        "rnds_certificate_pec_root": str(tmp_path / "no-pec" / "webserver"),
        "rnds_readiness_check_network": False,
        "rnds_readiness_persist_fact": False,
    }
    special = {
        "pec-sudo": {"ansible_user": server["password_user"]},
        "pec-no-python": {"ansible_python_interpreter": "/usr/bin/python3-not-installed"},
        "pec-down": {
            "ansible_port": _closed_port(),
            "ansible_ssh_common_args": server["ssh_args"] + " -o ConnectTimeout=5",
        },
    }
    hosts, regionals = {}, {}
    for host, (municipality, ibge, uf, regional, _group) in CASES.items():
        hosts[host] = dict(
            common,
            rnds_readiness_municipality=municipality,
            rnds_certificate_ibge_code=ibge,
            rnds_readiness_uf=uf,
            **special.get(host, {}),
        )
        regionals.setdefault(regional, {"hosts": {}})["hosts"][host] = None
    (inventory / "hosts.yml").write_text(
        yaml.safe_dump({"pec_servers": {"hosts": hosts, "children": regionals}}, sort_keys=False)
    )
    runs = [tmp_path / "somewhere", tmp_path / "cron"]
    for folder in runs:
        folder.mkdir()
    return {"inventory": inventory, "runs": runs, "report": tmp_path / "estado" / "rnds-readiness-report"}


def readiness(state, cwd: Path, *options: str) -> subprocess.CompletedProcess:
    """esus.pec.readiness from ``cwd`` with a bare environment, as cron runs it (HOME, PATH, no PWD of ours)."""
    env = {key: value for key, value in ansible_env().items() if key.startswith("ANSIBLE_")}
    env.update(HOME=os.environ.get("HOME", "/root"), PATH=os.path.dirname(sys.executable) + ":/usr/bin:/bin")
    command = [
        "ansible-playbook",
        "-i",
        str(state["inventory"]),
        str(PLAYBOOK),
        "-e",
        "{'rnds_readiness_report_groups': ['regional_*']}",
        *options,
    ]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def rows(report: Path) -> dict:
    return {row["host"]: row for row in json.loads((report / "readiness.json").read_text())["hosts"]}


def test_each_host_not_audited_keeps_who_it_is_and_its_cause_and_the_report_its_home(state):
    first = readiness(state, state["runs"][0])
    assert first.returncode != 0, first.stdout[-3000:]  # unreachable and failed hosts still fail the play
    report = state["report"]
    assert (report / "readiness.html").is_file(), first.stdout[-3000:]
    assert not any(p.name == "rnds-readiness-report" for run in state["runs"] for p in run.iterdir())
    assert "Report: %s/readiness.html" % report in first.stdout
    found = rows(report)
    for host, (municipality, ibge, uf, regional, group) in CASES.items():
        row = found[host]
        assert row["problem"] == group, (host, row["codes"], first.stdout[-4000:])
        assert (row["municipality"], row["ibge"], row["uf"]) == (municipality, ibge, uf), host
        assert row["inventory_groups"] == [regional], host
    page = (report / "readiness.html").read_text()
    for text in ("Servidor inacessível", "sudo recusado ou pedindo senha", "Servidor sem Python", "Chapecó"):
        assert text in page
    assert 'id="breakdown-inventory_groups"' in page and "<td>regional_norte</td>" in page
    assert "Missing sudo password" not in page and "Connection refused" not in page  # Ansible's words stay out

    # a week later, from another folder, the sudo password given: the report is found again, history kept
    second = readiness(
        state, state["runs"][1], "-e", json.dumps({"ansible_become_password": sshd.PASSWORD_USER_SECRET})
    )
    assert (report / "history").is_dir(), second.stdout[-3000:]
    assert len(list((report / "history").iterdir())) == 1
    document = json.loads((report / "readiness.json").read_text())
    assert document["changes"]["since"] == json.loads(next((report / "history").iterdir()).read_text())["generated"]
    assert {row["host"]: row["problem"] for row in document["hosts"]}["pec-sudo"] == "pec_missing"
    for path in report.rglob("*"):
        if path.is_file():
            assert sshd.PASSWORD_USER_SECRET not in path.read_text(), path  # no secret in the report
