# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The direct probe's command and answer (plugins/plugin_utils/direct_probe.py), run for real with /bin/sh here."""

from __future__ import annotations

import base64
import json
import shlex
import socket
import subprocess
import sys
import zlib

import pytest

from ansible_collections.esus.pec.plugins.module_utils import host_probe
from ansible_collections.esus.pec.plugins.plugin_utils.direct_probe import direct_answer, direct_command, direct_payload
from tests.support.argspec import specs


def run(command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, check=False, timeout=60)


def test_its_defaults_are_the_modules():
    options = specs(("esus.pec.pec_probe",))["esus.pec.pec_probe"]
    defaults = {name: option.get("default") for name, option in options.items() if name in host_probe.DEFAULTS}
    assert defaults == host_probe.DEFAULTS
    # the options that write the audit's decision (the fact, its metrics): module only
    assert set(options) - set(host_probe.DEFAULTS) == {"fact", "metrics_content"}


def test_it_runs_alone_from_the_command_line_with_no_site_packages(tmp_path):
    root = tmp_path / "a path with spaces and 'quotes'" / "webserver"
    (root / "chaves").mkdir(parents=True)
    (root / "chaves" / "x.pfx").write_bytes(b"\x30\x82")
    done = run(direct_command([sys.executable], {"pec_root": str(root), "read_certificate": True}))
    answer = direct_answer(done.stdout)
    assert answer is not None, done.stderr
    assert answer["pec"]["installed"] is True
    assert [(f["name"], f["size"]) for f in answer["files"]] == [("x.pfx", 2)]
    assert answer["certificate_b64"] == "MII="
    assert "ansible" not in done.stderr


def test_the_trust_store_is_read_by_the_same_one_command(tmp_path):
    """jre_trust.py travels in the one command: a reached endpoint is tried against the store the command names
    (here a JKS laid out as Java writes it whose only entry OpenSSL cannot take: nothing is trusted)."""
    from tests.support.truststores import jks
    from tests.unit.plugins.module_utils.test_jre_trust import CA

    store = tmp_path / "cacerts"
    store.write_bytes(jks([CA]))
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        params = {"pec_root": str(tmp_path), "endpoints": [{"host": "127.0.0.1", "port": port}], "timeout": 2}
        done = run(direct_command([sys.executable], dict(params, trust_store=str(store))))
        missing = run(direct_command([sys.executable], dict(params, trust_store=str(tmp_path / "none"))))
    answer = direct_answer(done.stdout)
    assert answer is not None, done.stderr
    assert answer["trust"]["format"] == "JKS" and answer["trust"]["anchors"] == 1
    assert answer["trust"]["endpoints"] == [
        {"host": "127.0.0.1", "port": port, "trusted": None, "error": "no anchor could be loaded"}
    ]
    assert direct_answer(missing.stdout)["trust"]["error"] == "No such file or directory"


def test_the_trust_code_travels_only_when_asked():
    """jre_trust.py is in the command only with trust_store (rnds_readiness_check_trust, off by default): an audit
    that does not ask pays neither its bytes nor its compilation on the host."""
    plain = zlib.decompress(base64.b64decode(direct_payload())).decode("utf-8")
    asked = zlib.decompress(base64.b64decode(direct_payload(True))).decode("utf-8")
    assert "'jre_trust'" not in plain and "'jre_trust'" in asked
    assert direct_payload(False) in direct_command(["/usr/bin/python3"], {"pec_root": "/x"})
    assert direct_payload(True) in direct_command(["/usr/bin/python3"], {"pec_root": "/x", "trust_store": "/c"})


def test_the_first_python_found_runs_it_and_none_found_says_so(tmp_path):
    params = {"pec_root": str(tmp_path)}
    found = run(direct_command(["no-such-python-a", sys.executable, "no-such-python-b"], params))
    assert direct_answer(found.stdout)["pec"]["installed"] is True
    missing = run(direct_command(["no-such-python-a", "no-such-python-b"], params))
    assert (missing.returncode, direct_answer(missing.stdout)) == (127, None)
    assert "no Python 3 found" in missing.stderr


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        ('Welcome to PEC\r\n%s{"files": []}\r\n' % host_probe.MARK, {"files": []}),
        ('%s{"files": [\r\n' % host_probe.MARK, None),  # cut short
        ('%s{"failed": true, "msg": "x"}\n' % host_probe.MARK, None),  # the module reports it its own way
        ("%s[1, 2]\n" % host_probe.MARK, None),
        ("no marker here\n", None),
        ("", None),
    ],
)
def test_an_answer_is_the_marked_line_or_nothing(stdout, expected):
    assert direct_answer(stdout) == expected


def test_the_command_carries_code_and_parameters_only():
    params = {"pec_root": "/opt/e-SUS/webserver", "endpoints": [{"host": "ehr-auth.saude.gov.br", "port": 443}]}
    command = direct_command(["/usr/bin/python3"], params)
    words = shlex.split(command)
    assert words[:4] == ["/usr/bin/python3", "-I", "-S", "-c"] and len(words) == 5
    encoded = words[4].rsplit('run("', 1)[1].split('")', 1)[0]
    assert json.loads(base64.b64decode(encoded)) == params
    assert len(command) < 16384  # well under any command-line limit, even quoted again by sudo and the shell
