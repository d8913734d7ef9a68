# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The path state teams take: real SSH, as a non-root admin, becoming root with sudo, with and without pipelining.

Two inventory hosts reach this machine through a private sshd on 127.0.0.1 (tests/support/sshd.py) as
``pecadmin``, each with its own root-owned sandbox PEC folder. esus.pec.deploy deploys, a second run changes
nothing, esus.pec.readiness finds both ready with one direct probe command per host (no fallback to the
module); the same audit without become says, per host, that it cannot read chaves and to use become (never
"no certificate"). An admin whose sudo asks for a password (``pecsudo``) deploys and audits the same way, and
a wrong sudo password fails every host with sudo's message, changing nothing. The -vvvv output holds no secret.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from tests.support import sshd
from tests.support.collection import REPO, ansible_env, run_playbook, vault_encrypt
from tests.support.leaks import file_material, key_material, leaks
from tests.support.pki import cnpj

pytestmark = pytest.mark.skipif(sshd.why_not() is not None, reason=str(sshd.why_not()))

HOSTS = {"pec-ssh-a": cnpj("404040400001"), "pec-ssh-b": cnpj("505050500001")}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sshd.loopback_sshd(tmp_path_factory.mktemp("sshd")) as found:
        yield found


@pytest.fixture(params=[False, True], ids=["no-pipelining", "pipelining"])
def fleet(request, server, pki, tmp_path):
    pipelining = request.param
    sandbox = Path("/srv/esus-pec-ssh-tests") / tmp_path.name  # root-owned, like /opt/e-SUS on a PEC server
    env = ansible_env(
        ANSIBLE_PIPELINING="1" if pipelining else "0",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "local_tmp"),
        ANSIBLE_SSH_CONTROL_PATH_DIR=str(tmp_path / "cp"),
    )
    vault = tmp_path / "vault-pass"
    vault.write_text("ssh-vault-secret\n")
    inventory = {"pec_servers": {"hosts": {}}}
    keys, secrets, files = [], ["ssh-vault-secret"], []
    for index, (host, value) in enumerate(HOSTS.items()):
        key, cert = pki.leaf(key=pki.key("ec", host), cnpj_value=value)
        password = "Ssh-%d $(id) ;|& `x`" % index
        plain = pki.pfx("ssh-%s.pfx" % host, key, cert, password)
        files.append(plain.read_bytes())
        vaulted = vault_encrypt(plain, vault, env, output=tmp_path / ("%s.pfx" % host))
        root = sandbox / host / "webserver"
        (root / "config").mkdir(parents=True)
        keys.append(key)
        secrets += [password, *file_material([plain])]
        inventory["pec_servers"]["hosts"][host] = {
            "ansible_host": server["host"],
            "ansible_port": server["port"],
            "ansible_user": server["user"],
            "ansible_ssh_private_key_file": server["key"],
            "ansible_ssh_common_args": server["ssh_args"],
            "ansible_python_interpreter": "/usr/bin/python3",
            "rnds_certificate_src": str(vaulted),
            "rnds_certificate_password": password,
            "rnds_certificate_expected_cnpj": value,
            "rnds_certificate_pec_root": str(root),
            "rnds_certificate_ibge_code": "35503%02d" % index,
            "rnds_readiness_fact_path": str(sandbox / host / "esus_pec_rnds.fact"),
            "rnds_readiness_check_network": False,
            "rnds_readiness_report_dir": str(tmp_path / "report"),
        }
    (tmp_path / "inventory.json").write_text(json.dumps(inventory))
    yield {
        "server": server,
        "env": env,
        "inventory": tmp_path / "inventory.json",
        "vault": vault,
        "sandbox": sandbox,
        "report": tmp_path / "report",
        "secrets": secrets + key_material(keys),
        "files": files,
    }
    shutil.rmtree(sandbox, ignore_errors=True)


def play(fleet, name: str, *options: str):
    result = run_playbook(
        REPO / "playbooks" / name,
        fleet["inventory"],
        fleet["env"],
        "-vvvv",
        "--vault-password-file",
        str(fleet["vault"]),
        *options,
    )
    found = leaks(result.stdout + result.stderr, fleet["secrets"])
    assert not found, "secret material in the -vvvv output of %s %s" % (name, options)
    return result


def recap(result) -> dict:
    return {
        host: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
        for host, counts in re.findall(r"^(pec-ssh-\S+)\s+:\s+(.*)$", result.stdout, re.M)
    }


def direct_probes(result) -> tuple:
    """(direct runs of host_probe, fallbacks to the module) in a -vvvv log; SSH names the address, not the host."""
    runs = re.findall(r"^<[^>]+> (?:SSH: )?EXEC .*esus\.pec host_probe", result.stdout, re.M)
    fallbacks = re.findall(r"^<[^>]+> esus\.pec\.rnds_audit: the direct probe gave no answer", result.stdout, re.M)
    return len(runs), len(fallbacks)


def test_deploy_redeploy_and_audit_as_an_admin_with_sudo(fleet):
    result = play(fleet, "deploy.yml")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "ESTABLISH SSH CONNECTION FOR USER: pecadmin" in result.stdout
    assert {host: counts["changed"] for host, counts in recap(result).items()} == {h: 1 for h in HOSTS}
    for index, host in enumerate(HOSTS):
        chaves = fleet["sandbox"] / host / "webserver" / "chaves"
        deployed = chaves / ("35503%02d.pfx" % index)
        assert deployed.read_bytes() == fleet["files"][index]
        for path, mode in ((chaves, 0o750), (deployed, 0o600)):
            info = path.stat()
            assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, 0, mode), path

    for options in ((), ("--check", "--diff")):
        again = play(fleet, "deploy.yml", *options)
        assert again.returncode == 0, again.stdout[-3000:]
        assert all(counts["changed"] == 0 for counts in recap(again).values()), (options, recap(again))

    audit = play(fleet, "readiness.yml")
    assert audit.returncode == 0, audit.stdout[-3000:]
    report = json.loads((fleet["report"] / "readiness.json").read_text())
    assert {row["host"]: row["ready"] for row in report["hosts"]} == {h: True for h in HOSTS}
    assert direct_probes(audit) == (len(HOSTS), 0)  # one command per host, no fallback


def test_the_certificate_read_from_a_host_never_shows_at_vvvv(fleet):
    """The audit reads each host's certificate to judge it on the controller. Over SSH, at -vvv and above,
    ansible prints what every remote command answered: the direct probe and the module it falls back to run with
    that output held back (play() looks for the files' bytes in base64 and hex in every -vvvv log). Here the
    host's Python refuses the direct probe, so the module path runs too."""
    assert play(fleet, "deploy.yml").returncode == 0
    refusing = fleet["sandbox"] / "python3-refusing-I"
    refusing.write_text(
        '#!/bin/sh\nif [ "$1" = "-I" ]; then echo "refusing $1" >&2; exit 3; fi\nexec /usr/bin/python3 "$@"\n'
    )
    refusing.chmod(0o755)
    inventory = json.loads(fleet["inventory"].read_text())
    for host in inventory["pec_servers"]["hosts"].values():
        host["ansible_python_interpreter"] = str(refusing)
    fleet["inventory"].write_text(json.dumps(inventory))
    audit = play(fleet, "readiness.yml")
    assert audit.returncode == 0, audit.stdout[-3000:]
    assert direct_probes(audit) == (len(HOSTS), len(HOSTS))  # each host: the direct probe, then the module
    # the direct probe and the module held back; the fact written after them is shown as usual
    assert audit.stdout.count("stdout and stderr censored due to no log") >= 2 * len(HOSTS)
    report = json.loads((fleet["report"] / "readiness.json").read_text())
    assert {row["host"]: row["ready"] for row in report["hosts"]} == {h: True for h in HOSTS}


def test_an_audit_without_become_says_it_cannot_read_chaves(fleet):
    assert play(fleet, "deploy.yml").returncode == 0
    audit = play(fleet, "readiness.yml", "-e", "esus_pec_become=false", "-e", "rnds_readiness_persist_fact=false")
    assert audit.returncode == 0, audit.stdout[-3000:]
    report = json.loads((fleet["report"] / "readiness.json").read_text())
    for row in report["hosts"]:
        assert row["ready"] is False
        reasons = " ".join(row["reasons"])
        assert "Cannot list chaves as pecadmin (Permission denied)" in reasons and "become" in reasons, reasons
        assert "No .pfx" not in reasons


def as_password_admin(fleet, become_password: str) -> None:
    inventory = json.loads(fleet["inventory"].read_text())
    for host in inventory["pec_servers"]["hosts"].values():
        host.update(ansible_user=fleet["server"]["password_user"], ansible_become_password=become_password)
    fleet["inventory"].write_text(json.dumps(inventory))
    fleet["secrets"].append(become_password)


def test_an_admin_whose_sudo_asks_for_a_password(fleet):
    as_password_admin(fleet, fleet["server"]["become_password"])
    deploy = play(fleet, "deploy.yml")
    assert deploy.returncode == 0, deploy.stdout[-4000:]
    assert "ESTABLISH SSH CONNECTION FOR USER: pecsudo" in deploy.stdout
    assert {host: counts["changed"] for host, counts in recap(deploy).items()} == {h: 1 for h in HOSTS}
    audit = play(fleet, "readiness.yml")
    assert audit.returncode == 0, audit.stdout[-3000:]
    report = json.loads((fleet["report"] / "readiness.json").read_text())
    assert {row["host"]: row["ready"] for row in report["hosts"]} == {h: True for h in HOSTS}
    assert direct_probes(audit) == (len(HOSTS), 0)


def test_a_wrong_sudo_password_fails_every_host_and_changes_nothing(fleet):
    as_password_admin(fleet, "not-the-sudo-password")
    for name in ("deploy.yml", "readiness.yml"):
        result = play(fleet, name)
        assert result.returncode != 0, result.stdout[-3000:]
        for host in HOSTS:
            fatal = re.search(r"^fatal: \[%s\]: .*?^\}" % host, result.stdout, re.M | re.S)
            said = fatal.group(0) if fatal else ""
            assert re.search(r"incorrect sudo password", said, re.I), (name, host, said)
        assert not any((fleet["sandbox"] / host / "webserver" / "chaves").exists() for host in HOSTS)
        assert not any((fleet["sandbox"] / host / "esus_pec_rnds.fact").exists() for host in HOSTS)


def test_pecs_java_trust_store_is_read_with_sudo_in_the_same_one_command(fleet, pki):
    """rnds_readiness_check_trust over SSH as the non-root admin: PEC's cacerts (root-only, 0600, where the
    installer puts PEC's Java, found with no variable set) is read through sudo by the same one direct command,
    which now carries jre_trust.py, and the RNDS stand-in's chain is trusted."""
    from tests.support import truststores
    from tests.support.tls import tls_server

    if not truststores.keytool():
        if os.environ.get("CI") == "true":
            pytest.fail("keytool (Debian: openjdk-17-jdk-headless) is needed")
        pytest.skip("keytool is not installed")
    assert play(fleet, "deploy.yml").returncode == 0
    for host in HOSTS:
        store = fleet["sandbox"] / host / "jre" / "current" / "lib" / "security" / "cacerts"
        store.parent.mkdir(parents=True)
        truststores.keytool_store(store, {"rnds": pki.ca_cert}, "JKS")
        store.chmod(0o600)  # root's, as the sandbox: pecadmin reads it only through sudo
    with tls_server(pki) as url:
        endpoints = [{"host": "localhost", "port": int(url.split(":")[2].split("/")[0])}]
        variables = {"rnds_readiness_check_network": True, "rnds_readiness_endpoints": endpoints}
        variables.update(rnds_readiness_check_trust=True, rnds_readiness_persist_fact=False, rnds_readiness_uf="")
        audit = play(fleet, "readiness.yml", "-e", json.dumps(variables))
    assert audit.returncode == 0, audit.stdout[-3000:]
    assert direct_probes(audit) == (len(HOSTS), 0)
    report = json.loads((fleet["report"] / "readiness.json").read_text())
    for row in report["hosts"]:
        assert row["ready"] is True and not [c for c in row["codes"] if c.startswith("trust.")], row["reasons"]
    assert audit.stdout.count('"code": "trust.ok"') >= len(HOSTS)  # the check ran on every host, and passed
