# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rnds_certificate role through playbooks/deploy.yml, on localhost with sandbox PEC roots, at -vvvv.

Two "municipalities" on the local connection, each with its own sandbox PEC tree, vaulted certificate and
password: --check --diff first (nothing may change), then the deploy, then a second run (nothing changes),
and a host with a wrong password, refused untouched. Every run's whole -vvvv output is searched for
passwords, private-key bytes and the certificate file's bytes; the temp folders must end empty.
"""

from __future__ import annotations

import getpass
import grp
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.collection import REPO, ansible_env, run_playbook, vault_encrypt
from tests.support.leaks import file_material, key_material, leaks
from tests.support.pki import cnpj

HOSTS = {"pec-sandbox-a": cnpj("101010100001"), "pec-sandbox-b": cnpj("202020200001")}


@pytest.fixture(scope="module")
def sandbox(pki, tmp_path_factory):
    work = tmp_path_factory.mktemp("deploy")
    env = ansible_env(ANSIBLE_LOCAL_TEMP=str(work / "local_tmp"), ANSIBLE_REMOTE_TMP=str(work / "remote_tmp"))
    vault_password = work / "vault-pass"
    vault_password.write_text("role-vault-secret\n")
    passwords, sources, keys = {}, {}, []
    for index, (host, value) in enumerate(HOSTS.items()):
        key, cert = pki.leaf(key=pki.key("rsa", host), cnpj_value=value)
        keys.append(key)
        passwords[host] = "Senha %d $HOME `id` \"' ;|&" % index
        plain = pki.pfx("%s.pfx" % host, key, cert, passwords[host])
        sources[host] = plain.read_bytes()
        vault_encrypt(plain, vault_password, env)
        (work / "root" / host / "webserver" / "config").mkdir(parents=True)
    lines = ["[pec_servers]"]
    host_vars = work / "host_vars"
    host_vars.mkdir()
    for host, value in HOSTS.items():
        lines.append("%s ansible_connection=local ansible_python_interpreter=%s" % (host, sys.executable))
        (host_vars / ("%s.yml" % host)).write_text(
            json.dumps(
                {
                    "rnds_certificate_src": str(pki.dir / ("%s.pfx" % host)),
                    "rnds_certificate_password": passwords[host],
                    "rnds_certificate_expected_cnpj": value,
                    "rnds_certificate_pec_root": str(work / "root" / host / "webserver"),
                    "rnds_certificate_owner": getpass.getuser(),
                    "rnds_certificate_group": grp.getgrgid(os.getgid()).gr_name,
                    "rnds_certificate_ibge_code": host[-1],
                    "esus_pec_become": False,  # a sandbox owned by the test's user
                },
                ensure_ascii=False,
            )
        )
    (work / "hosts.ini").write_text("\n".join(lines) + "\n")
    secrets = [
        *passwords.values(),
        "role-vault-secret",
        *key_material(keys),
        *file_material(pki.dir / ("%s.pfx" % h) for h in HOSTS),
    ]
    return {
        "work": work,
        "env": env,
        "vault": vault_password,
        "sources": sources,
        "secrets": secrets,
        "passwords": passwords,
    }


def deploy(sandbox, *options: str, extra: dict | None = None) -> subprocess.CompletedProcess:
    work = sandbox["work"]
    options = ("-vvvv", "--vault-password-file", str(sandbox["vault"]), *options)
    if extra:
        (work / "extra.json").write_text(json.dumps(extra))
        options = (*options, "-e", "@" + str(work / "extra.json"))
    result = run_playbook(REPO / "playbooks" / "deploy.yml", work / "hosts.ini", sandbox["env"], *options)
    output = result.stdout + result.stderr
    found = leaks(output, sandbox["secrets"])
    assert not found, "secret material in the -vvvv output of %s: %d item(s)" % (options, len(found))
    return result


def recap(result) -> dict:
    return {
        host: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
        for host, counts in re.findall(r"^(pec-\S+)\s+:\s+(.*)$", result.stdout, re.M)
    }


def chaves(sandbox, host) -> Path:
    return sandbox["work"] / "root" / host / "webserver" / "chaves"


def test_check_mode_with_diff_changes_nothing(sandbox):
    result = deploy(sandbox, "--check", "--diff")
    assert result.returncode == 0, result.stdout[-3000:]
    assert all(counts["changed"] >= 1 for counts in recap(result).values())  # would change
    for host in HOSTS:
        assert not chaves(sandbox, host).exists()


def test_deploy_puts_exactly_the_validated_file_with_safe_modes(sandbox):
    result = deploy(sandbox, "--diff")
    assert result.returncode == 0, result.stdout[-3000:]
    for host in HOSTS:
        folder = chaves(sandbox, host)
        assert oct(folder.stat().st_mode & 0o777) == "0o750"
        deployed = folder / ("%s.pfx" % host[-1])
        assert oct(deployed.stat().st_mode & 0o777) == "0o600"
        assert hashlib.sha256(deployed.read_bytes()).digest() == hashlib.sha256(sandbox["sources"][host]).digest()


def test_second_run_changes_nothing(sandbox):
    result = deploy(sandbox, "--diff")
    assert result.returncode == 0
    assert {host: counts["changed"] for host, counts in recap(result).items()} == dict.fromkeys(HOSTS, 0)


def test_another_certificate_in_chaves_is_named_in_a_warning_then_removed_on_request(sandbox):
    host = "pec-sandbox-a"
    other = chaves(sandbox, host) / "antigo.pfx"
    other.write_bytes(b"an old certificate copied by hand")
    result = deploy(sandbox, "--limit", host)
    said = " ".join((result.stdout + result.stderr).split())  # warnings are wrapped to the terminal's width
    assert result.returncode == 0 and recap(result)[host]["changed"] == 0
    assert "host %s: %s also holds antigo.pfx. PEC uses one certificate" % (host, chaves(sandbox, host)) in said
    assert "Set remove_others (rnds_certificate_remove_others): true to remove them." in said and other.exists()
    result = deploy(sandbox, "--limit", host, extra={"rnds_certificate_remove_others": True})
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 0 and recap(result)[host]["changed"] == 1
    assert "also holds antigo.pfx" in said
    assert "They were removed, as remove_others (rnds_certificate_remove_others) asked." in said
    assert not other.exists() and (chaves(sandbox, host) / "a.pfx").exists()


def test_wrong_password_fails_that_host_only_and_touches_nothing(sandbox):
    bad = "pec-sandbox-b"
    (chaves(sandbox, bad) / "b.pfx").unlink()
    before = sorted(p.name for p in chaves(sandbox, bad).iterdir())
    result = deploy(sandbox, "--limit", bad, extra={"rnds_certificate_password": "nao-e-esta"})
    assert result.returncode != 0
    assert "host %s" % bad in result.stdout and "wrong password" in result.stdout
    assert "Nothing was changed on the host" in result.stdout
    assert sorted(p.name for p in chaves(sandbox, bad).iterdir()) == before


def test_no_temp_files_left(sandbox):
    work = sandbox["work"]
    leftovers = [p for folder in ("local_tmp", "remote_tmp") for p in (work / folder).rglob("*") if p.is_file()]
    assert leftovers == []
