# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the probe reads of a PEC installation shaped like the installer's (tests/support/pec_tree.py), on real
files, a real loopback TLS server and the probe's own direct entry point (issue 23): the non-secret keys only, key
names only, and none of the planted secrets in its answer."""

from __future__ import annotations

import base64
import json
import os
import socket
import ssl
import subprocess
import sys
import threading

from ansible_collections.esus.pec.plugins.module_utils import host_probe, pec_install
from ansible_collections.esus.pec.plugins.plugin_utils.direct_probe import direct_answer, direct_command
from tests.support import pec_tree
from tests.support.leaks import leaks, password_forms
from tests.support.pki import Pki
from tests.support.tls import server_files


def secrets() -> list:
    return [form for secret in pec_tree.SECRETS for form in password_forms(secret)]


def test_only_the_non_secret_keys_of_pec_config_are_read(tmp_path):
    config = pec_tree.build(tmp_path / "e-SUS" / "webserver", tmp_path / "pec.config")
    found = pec_install.read_pec_config(str(config))
    assert found["config"] == "read" and found["success"] is True and found["production"] is True
    assert found["version"] == "5.3.21" and found["webserver_directory"] == str(tmp_path / "e-SUS" / "webserver")
    assert found["jre_version"] == "17.0.10-linux_x64"
    assert not {"databasePassword", "databaseUrl", "databaseUsername"} & set(found)
    assert leaks(json.dumps(found), secrets()) == []


def test_a_missing_unreadable_or_broken_pec_config_says_so_without_quoting_it(tmp_path):
    assert pec_install.read_pec_config(str(tmp_path / "none"))["config"] == "missing"
    assert pec_install.read_pec_config("")["config"] == "not_read"
    broken = tmp_path / "pec.config"
    broken.write_text('{"databasePassword": "%s", ' % pec_tree.DATABASE_PASSWORD)  # cut short: not JSON
    found = pec_install.read_pec_config(str(broken))
    assert found["config"] == "invalid" and leaks(json.dumps(found), secrets()) == []
    if os.geteuid() != 0:  # root reads a 0000 file
        broken.chmod(0)
        assert pec_install.read_pec_config(str(broken))["config"] == "unreadable"


def test_cadsus_is_read_from_key_names_never_values(tmp_path):
    web = tmp_path / "webserver"
    pec_tree.build(web, tmp_path / "pec.config")
    assert pec_install.cadsus_config(str(web)) == {
        "https": "certmgr",
        "govbr_login": True,
        "application_properties": "read",
    }
    old = tmp_path / "old"
    pec_tree.build(old, tmp_path / "old.config", version="5.2.9", https="application.properties", govbr=False)
    assert pec_install.cadsus_config(str(old))["https"] == "application.properties"
    assert pec_install.cadsus_config(str(old))["govbr_login"] is False
    bare = tmp_path / "bare"
    pec_tree.build(bare, tmp_path / "bare.config", https=None)
    assert pec_install.cadsus_config(str(bare))["https"] is None
    names = pec_install.property_names(str(web / "config" / "application.properties"))
    assert "spring.datasource.password" in names and leaks(repr(names), secrets()) == []


def test_no_systemd_is_said_as_such(tmp_path):
    if os.path.isdir("/run/systemd/system"):
        return  # a host booted with systemd: the Molecule scenario pec_service covers the states
    assert pec_install.service_state("e-SUS-PEC")["state"] == "no_systemd"


def test_the_https_port_gives_its_certificate_and_a_closed_port_says_why(tmp_path):
    pki = Pki(tmp_path / "pki")
    cert_file, key_file, _ca = server_files(pki, pki.ca_cert)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve():
        raw, _address = listener.accept()
        try:
            with context.wrap_socket(raw, server_side=True):
                pass
        except (ssl.SSLError, OSError):
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    found = pec_install.https_certificate("127.0.0.1", port, 5)
    thread.join(5)
    listener.close()
    assert found["answered"] is True and base64.b64decode(found["certificate_der_b64"])[:1] == b"\x30"
    closed = pec_install.https_certificate("127.0.0.1", port, 2)
    assert closed["answered"] is False and closed["error"]


def test_the_direct_probe_answers_with_it_in_one_command(tmp_path):
    """The same one command the audit sends (plugin_utils/direct_probe.py), run here by this Python: the answer
    carries the install, CADSUS, the clock and the network stage, and none of the planted secrets."""
    web = tmp_path / "webserver"
    config = pec_tree.build(web, tmp_path / "pec.config")
    params = dict(
        host_probe.DEFAULTS,
        pec_root=str(web),
        pec_config=str(config),
        fact_path="",
        service="e-SUS-PEC",
        endpoints=[{"host": "no-such-name.invalid", "port": 443}],
        timeout=2,
    )
    done = subprocess.run(
        ["sh", "-c", direct_command([sys.executable], params)], capture_output=True, text=True, check=False
    )
    answer = direct_answer(done.stdout)
    assert answer is not None, done.stderr
    assert answer["pec"]["production"] is True and answer["pec"]["webserver_directory"] == str(web)
    assert answer["cadsus"]["https"] == "certmgr" and answer["cadsus"]["port"]["answered"] is False
    assert isinstance(answer["time"], float) and answer["service"]["name"] == "e-SUS-PEC"
    assert answer["network"][0]["stage"] == "dns"
    assert leaks(done.stdout + done.stderr, secrets()) == []
