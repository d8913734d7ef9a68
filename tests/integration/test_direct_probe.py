# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's direct probe: host_probe.py run by the host's Python in one command, without AnsiballZ.

Real ansible-playbook runs on a sandbox PEC folder (local connection, no pipelining, so that module executions
show as AnsiballZ file transfers in the -vvvv log):
- the direct answer is the module's answer, key for key, on the same host (files, modes, the certificate's
  bytes, a reachable and a closed port);
- with the interpreter left to discovery, the direct probe runs the first Python of the discovery fallback
  list that the host has;
- a Python that cannot run it (here one that refuses the ``-I -S -c`` form) makes the audit fall back to the
  pec_probe module, with the same verdict and a -vvv line saying why;
- its command line carries code, paths and ports, never the certificate's password.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import stat
import subprocess
import sys

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils.direct_probe import direct_answer, direct_command
from tests.support.audit import audit_play, sandbox_pec
from tests.support.collection import ansible_env, run_playbook
from tests.support.pki import cnpj

CNPJ = cnpj("707070700001")
PASSWORD = "Direct-probe-1 $(id) ;|&"
AUDIT = audit_play(
    CNPJ,
    then="""
    - name: Show the verdict
      ansible.builtin.debug:
        msg: "VERDICT {{ audited.rnds_readiness.verdict }} READY {{ audited.rnds_ready }}"
""",
)
JAVA_AUDIT = audit_play(
    CNPJ,
    'pec_config: "{{ pec_config }}"',
    'java: "{{ java | default(omit) }}"',
    then="""
    - name: Show the verdict and the Java it was judged for
      ansible.builtin.debug:
        msg: >-
          VERDICT {{ audited.rnds_readiness.verdict }} READY {{ audited.rnds_ready }}
          JAVA {{ audited.rnds_readiness.java.rules }}
""",
)
MODULE = """
- name: Run the probe as a module
  hosts: pec
  gather_facts: false
  tasks:
    - name: Probe
      esus.pec.pec_probe:
        pec_root: "{{ pec_root }}"
        fact_path: "{{ fact_path }}"
        read_certificate: true
        endpoints: "{{ endpoints }}"
        timeout: 2
      register: probed

    - name: Show it
      ansible.builtin.copy:
        content: "{{ probed | to_json }}"
        dest: "{{ answer_file }}"
        mode: "0600"
"""


@pytest.fixture()
def sandbox(pki, tmp_path):
    root, host = sandbox_pec(pki, tmp_path, CNPJ, PASSWORD, "direct-probe")
    (root / "chaves" / "leia-me.txt").write_text("other file\n")
    env = ansible_env(ANSIBLE_PIPELINING="0", ANSIBLE_LOCAL_TEMP=str(tmp_path / "local_tmp"))
    return {"tmp": tmp_path, "root": root, "host": host, "env": env}


def play(sandbox, text: str, host: dict, *options: str):
    playbook = sandbox["tmp"] / "play.yml"
    playbook.write_text(text)
    inventory = sandbox["tmp"] / "inventory.json"
    inventory.write_text(json.dumps({"pec": {"hosts": {"pec-direct": host}}}))
    result = run_playbook(playbook, inventory, sandbox["env"], "-vvvv", *options)
    assert result.returncode == 0, result.stdout[-3000:]
    return result


def verdict(result) -> str:
    return re.search(r'"VERDICT (\S+ READY \S+)"', result.stdout).group(1)


def ran(result) -> dict:
    return {
        "direct": len(re.findall(r"^<[^>]+> EXEC .*esus\.pec host_probe", result.stdout, re.M)),
        "module": len(re.findall(r"PUT \S+ TO \S+/AnsiballZ_pec_probe\.py", result.stdout)),
        "fallback": len(re.findall(r"the direct probe gave no answer", result.stdout)),
    }


def test_the_direct_answer_is_the_modules_answer(sandbox):
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: refused
    endpoints = [{"host": "127.0.0.1", "port": s.getsockname()[1]} for s in (listening, closed)]
    answer_file = sandbox["tmp"] / "module-answer.json"
    with listening, closed:
        play(sandbox, MODULE, dict(sandbox["host"], endpoints=endpoints, answer_file=str(answer_file)))
        params = {
            "pec_root": str(sandbox["root"]),
            "fact_path": sandbox["host"]["fact_path"],
            "read_certificate": True,
            "endpoints": endpoints,
            "timeout": 2,
        }
        command = direct_command([sys.executable], params)
        done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, check=False)
    direct = direct_answer(done.stdout)
    module = json.loads(answer_file.read_text())
    assert direct is not None, done.stderr
    assert [r["reachable"] for r in direct["network"]] == [True, False]
    assert base64.b64decode(direct["certificate_b64"]) == (sandbox["root"] / "chaves" / "3550308.pfx").read_bytes()
    assert [f["name"] for f in direct["files"]] == ["3550308.pfx", "leia-me.txt"]
    assert stat.S_IMODE(os.stat(sandbox["root"] / "chaves").st_mode) == int(direct["chaves"]["mode"], 8)
    ansible_keys = {"invocation", "failed", "changed", "_ansible_no_log", "warnings", "deprecations"}
    # the host's clock (issue 23) is read at each run: both carry it, its value differs by the runs' distance
    assert isinstance(direct.pop("time"), float) and isinstance(module.pop("time"), float)
    assert {k: v for k, v in module.items() if k not in ansible_keys} == {
        k: v for k, v in direct.items() if k not in ansible_keys
    }


def test_the_audit_runs_it_directly_and_writes_the_fact_through_the_module(sandbox):
    result = play(sandbox, AUDIT, sandbox["host"])
    assert verdict(result) == "ok READY True"
    assert ran(result) == {"direct": 1, "module": 1, "fallback": 0}  # the module writes the first fact
    again = play(sandbox, AUDIT, sandbox["host"])
    assert ran(again) == {"direct": 1, "module": 0, "fallback": 0}
    assert PASSWORD not in "\n".join(re.findall(r"^<[^>]+> EXEC .*$", result.stdout + again.stdout, re.M))


def test_with_discovery_the_first_python_of_the_fallback_list_runs_it(sandbox):
    """Two Pythons after a missing one: each a wrapper that notes its name and arguments before running the real
    one, so the test sees which ran the probe (the EXEC line holds the whole list)."""
    called = sandbox["tmp"] / "called.log"
    wrappers = []
    for name in ("first-found-python", "second-found-python"):
        wrapper = sandbox["tmp"] / "bin" / name
        wrapper.parent.mkdir(exist_ok=True)
        wrapper.write_text('#!/bin/sh\necho "%s $1 $2 $3" >>%s\nexec %s "$@"\n' % (name, called, sys.executable))
        wrapper.chmod(0o755)
        wrappers.append(str(wrapper))
    host = dict(sandbox["host"], ansible_python_interpreter="auto_silent")
    host["ansible_interpreter_python_fallback"] = ["python-that-is-not-here", *wrappers]
    result = play(sandbox, AUDIT, host)
    assert verdict(result) == "ok READY True"
    assert ran(result)["direct"] == 1 and ran(result)["fallback"] == 0
    probe_runs = [line for line in called.read_text().splitlines() if line.endswith(" -I -S -c")]
    assert probe_runs == ["first-found-python -I -S -c"], called.read_text()


def test_a_python_that_cannot_run_it_falls_back_to_the_module(sandbox):
    refusing = sandbox["tmp"] / "bin" / "python3"
    refusing.parent.mkdir()
    refusing.write_text(
        '#!/bin/sh\nif [ "$1" = "-I" ]; then echo "refusing $1" >&2; exit 3; fi\nexec %s "$@"\n' % sys.executable
    )
    refusing.chmod(0o755)
    result = play(sandbox, AUDIT, dict(sandbox["host"], ansible_python_interpreter=str(refusing)))
    assert verdict(result) == "ok READY True"
    assert ran(result) == {"direct": 1, "module": 2, "fallback": 1}  # the probe, then the fact, as modules
    said = r"the direct probe gave no answer \(rc=3, refusing -I\); running esus\.pec\.pec_probe"
    assert re.search(said, result.stdout)


def test_the_certificate_is_judged_for_the_java_the_hosts_pec_runs_on(sandbox):
    """pec.config's jreVersion (read in the same one remote command, no other secret key of that file shown) picks
    the rules: a file OpenSSL 3 or cryptography wrote by default is not usable by PEC on Java 8 before 8u301
    (JDK-8267701), so that host is not ready; a Java the inventory names wins; no pec.config means Java 17."""
    config = sandbox["tmp"] / "pec.config"
    database_password = "pec-db-senha-%d" % os.getpid()
    config.write_text(
        json.dumps({"version": "5.2.28", "jreVersion": "1.8.0_292", "databasePassword": database_password})
    )
    host = dict(sandbox["host"], pec_config=str(config))
    result = play(sandbox, JAVA_AUDIT, host)
    assert re.search(r'"VERDICT unsupported_encryption READY False JAVA 8"', result.stdout), result.stdout[-2000:]
    assert ran(result)["direct"] == 1 and database_password not in result.stdout
    result = play(sandbox, JAVA_AUDIT, dict(host, java="17"))
    assert re.search(r'"VERDICT ok READY True JAVA 17"', result.stdout)
    result = play(sandbox, JAVA_AUDIT, dict(host, pec_config=str(sandbox["tmp"] / "no-such-pec.config")))
    assert re.search(r'"VERDICT ok READY True JAVA 17"', result.stdout)
