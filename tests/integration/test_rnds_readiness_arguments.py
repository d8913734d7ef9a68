# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rnds_readiness role's argument validation (meta/argument_specs.yml) on rnds_readiness_endpoints, for real.

The role runs on one sandbox host over the local connection (no PEC there, no network beyond loopback). A
wrong endpoint (an unknown key, a port that is not a number, no host) must be refused by the role's own
validation task, before the audit runs and before any report is written; right ones must pass it.
"""

from __future__ import annotations

import json
import re
import socket
import sys
from pathlib import Path

import pytest

from tests.support.collection import ansible_env, run_playbook

PLAYBOOK = """---
- name: Run the rnds_readiness role on a sandbox host
  hosts: all
  gather_facts: false
  roles:
    - role: esus.pec.rnds_readiness
"""


def run_role(tmp_path: Path, endpoints) -> tuple:
    """(ansible-playbook result, report folder) of the role with these endpoints."""
    (tmp_path / "playbook.yml").write_text(PLAYBOOK)
    inventory = tmp_path / "inventory.json"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "hosts": {
                        "pec-sandbox": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": sys.executable,
                        }
                    }
                }
            }
        )
    )
    report = tmp_path / "report"
    variables = tmp_path / "vars.json"
    variables.write_text(
        json.dumps(
            {
                "rnds_readiness_endpoints": endpoints,
                "rnds_readiness_network_timeout": 2,
                "rnds_readiness_persist_fact": False,
                "rnds_readiness_report_dir": str(report),
                "rnds_certificate_pec_root": str(tmp_path / "no-pec-here"),
            }
        )
    )
    result = run_playbook(tmp_path / "playbook.yml", inventory, ansible_env(), "-e", "@%s" % variables)
    return result, report


def validation_failure(output: str) -> str | None:
    """The message of the role's argument validation task when it failed, else None."""
    match = re.search(
        r"TASK \[esus\.pec\.rnds_readiness : Validating arguments against arg spec 'main'.*?(?=TASK \[|PLAY RECAP)",
        output,
        re.S,
    )
    if not match or "fatal:" not in match.group(0):
        return None
    return match.group(0)


@pytest.fixture(scope="module")
def closed_port():
    """A loopback port nothing listens on (bound, not listening: connections are refused at once)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.mark.parametrize(
    "endpoint, named",
    [
        pytest.param({"hostname": "127.0.0.1", "port": 443}, "hostname", id="unknown-key"),
        pytest.param({"host": "127.0.0.1", "port": "https"}, "port", id="port-not-a-number"),
        pytest.param({"port": 443}, "host", id="no-host"),
    ],
)
def test_a_wrong_endpoint_is_refused_by_role_argument_validation(tmp_path, endpoint, named):
    result, report = run_role(tmp_path, [endpoint])
    assert result.returncode != 0
    failure = validation_failure(result.stdout)
    assert failure is not None, "not refused by the role's argument validation:\n" + result.stdout[-3000:]
    assert "rnds_readiness_endpoints" in failure and named in failure
    assert "Audit the PEC server" not in result.stdout  # refused before the audit task
    assert not report.exists()


@pytest.mark.parametrize("with_port", [True, False], ids=["host-and-port", "host-only"])
def test_right_endpoints_pass_and_reach_the_audit(tmp_path, closed_port, with_port):
    endpoint = {"host": "127.0.0.1", "port": closed_port} if with_port else {"host": "127.0.0.1"}
    result, report = run_role(tmp_path, [endpoint])
    assert result.returncode == 0, result.stdout[-3000:]
    assert validation_failure(result.stdout) is None
    (record,) = json.loads((report / "readiness.json").read_text())["hosts"]
    assert record["host"] == "pec-sandbox" and record["ready"] is False
    network = " ".join(record["reasons"])
    assert ("127.0.0.1:%d" % closed_port if with_port else "127.0.0.1:443") in network, record["reasons"]
