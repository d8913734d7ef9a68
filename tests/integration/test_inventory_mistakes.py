# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A state team's inventory mistakes, each failing its own municipality only: real ansible-playbook runs of
playbooks/deploy.yml and playbooks/readiness.yml at -vvvv, on an inventory laid out as docs/inventory.md
recommends (``inventario/`` with per-value ``encrypt_string`` passwords, the vaulted certificates in
``certificados/`` beside it, outside the inventory folder), four municipalities on the local connection:

- pec-a: ``rnds_certificate_expected_cnjp`` (misspelt) holds its CNPJ, and its certificate is another
  municipality's: refused untouched with "você quis dizer rnds_certificate_expected_cnpj?", unless the team sets
  rnds_certificate_allow_unknown_variables;
- pec-b: right, but ``rnds_readiness_report_langauge`` (misspelt): a warning naming both names, and deployed;
- pec-c: its password encrypted with another vault secret (vault id ``outro``): refused untouched, the message
  names the variable, its file and the vault id;
- pec-d: a password with Jinja braces and no ``!unsafe``: refused untouched, the message names the variable and
  says !unsafe, and no part of the password is in the -vvvv output.
"""

from __future__ import annotations

import getpass
import grp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.collection import REPO, ansible_env, run_playbook, vault_encrypt
from tests.support.deploy import snapshot
from tests.support.doc_blocks import block
from tests.support.leaks import file_material, key_material, leaks
from tests.support.pki import cnpj

HOSTS = ("pec-a", "pec-b", "pec-c", "pec-d")
FRAGMENT = "wrvxkq"  # inside the braces of pec-d's password: what Jinja's own error would have quoted
BRACED = "Zq{{ %s }}Yp-9" % FRAGMENT


def encrypt_string(value: str, name: str, vault_id: str, password_file, env: dict) -> str:
    command = [
        sys.executable,
        "-m",
        "ansible.cli.vault",
        "encrypt_string",
        "--vault-id",
        "%s@%s" % (vault_id, password_file),
    ]
    done = subprocess.run([*command, "--name", name, value], env=env, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture(scope="module")
def state(pki, tmp_path_factory):
    work = tmp_path_factory.mktemp("mistakes")
    env = ansible_env(ANSIBLE_LOCAL_TEMP=str(work / "local_tmp"), ANSIBLE_REMOTE_TMP=str(work / "remote_tmp"))
    vault, other = work / "vault-sp", work / "vault-outro"
    vault.write_text("segredo-do-estado\n")
    other.write_text("segredo-de-outro-estado\n")
    inventory, certificates = work / "inventario", work / "certificados"
    (inventory / "host_vars").mkdir(parents=True)
    certificates.mkdir()
    passwords = {host: "Senha-%s-8d1" % host for host in HOSTS}
    passwords["pec-d"] = BRACED
    keys, files = [], []
    for index, host in enumerate(HOSTS):
        own = cnpj("4%d4%d4%d4%d0001" % (index, index, index, index))
        foreign = cnpj("999999990001")  # another municipality's
        key, cert = pki.leaf(key=pki.key("ec", host), cnpj_value=foreign if host == "pec-a" else own)
        keys.append(key)
        plain = pki.pfx("%s-mistakes.pfx" % host, key, cert, passwords[host])
        files.append(plain)
        vault_encrypt(plain, vault, env, output=certificates / ("%s.pfx" % host))
        (work / "root" / host / "webserver" / "config").mkdir(parents=True)
        lines = [
            "rnds_certificate_src: %s" % (certificates / ("%s.pfx" % host)),
            "rnds_certificate_pec_root: %s" % (work / "root" / host / "webserver"),
            "rnds_certificate_owner: %s" % getpass.getuser(),
            "rnds_certificate_group: %s" % grp.getgrgid(os.getgid()).gr_name,
            "rnds_certificate_ibge_code: '%d'" % (3550300 + index),
            "rnds_readiness_municipality: Município %s" % host[-1].upper(),
            "esus_pec_become: false",
        ]
        if host == "pec-a":
            lines.append("rnds_certificate_expected_cnjp: '%s'" % own)
        else:
            lines.append("rnds_certificate_expected_cnpj: '%s'" % own)
        if host == "pec-b":
            lines.append("rnds_readiness_report_langauge: en")
        if host == "pec-d":  # plaintext on purpose: the mistake is the missing !unsafe
            lines.append("rnds_certificate_password: '%s'" % BRACED)
        else:
            vault_id, secret = ("outro", other) if host == "pec-c" else ("sp", vault)
            lines.append(encrypt_string(passwords[host], "rnds_certificate_password", vault_id, secret, env).rstrip())
        (inventory / "host_vars" / ("%s.yml" % host)).write_text("---\n" + "\n".join(lines) + "\n")
    (inventory / "hosts").write_text(  # no .ini: 2.17/2.18 skip .ini files in a folder
        "[pec_servers]\n"
        + "".join(
            "%s ansible_connection=local ansible_python_interpreter=%s\n" % (host, sys.executable) for host in HOSTS
        )
    )
    secrets = [
        *passwords.values(),
        "segredo-do-estado",
        "segredo-de-outro-estado",
        *key_material(keys),
        *file_material(files),
    ]
    return {"work": work, "env": env, "inventory": inventory, "vault": vault, "secrets": secrets}


def play(state, playbook: str, *options: str) -> tuple[subprocess.CompletedProcess, str]:
    """One run at -vvvv with the state's vault secret only; (result, its output with line breaks folded)."""
    options = ("-vvvv", "--vault-id", "sp@%s" % state["vault"], *options)
    result = run_playbook(REPO / "playbooks" / playbook, state["inventory"], state["env"], *options)
    output = result.stdout + result.stderr
    assert not leaks(output, state["secrets"]), "secret material in the -vvvv output"
    assert FRAGMENT not in output, "a fragment of pec-d's password is in the output"
    return result, " ".join(output.split())


def recap(result) -> dict:
    return {
        host: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
        for host, counts in re.findall(r"^(pec-\S+)\s+:\s+(.*)$", result.stdout, re.M)
    }


def chaves(state, host):
    return state["work"] / "root" / host / "webserver" / "chaves"


def test_each_mistake_fails_its_own_municipality_and_the_others_finish(state):
    result, said = play(state, "deploy.yml")
    counts = recap(result)
    assert result.returncode != 0
    assert {host: counts[host]["failed"] for host in HOSTS} == {"pec-a": 1, "pec-b": 0, "pec-c": 1, "pec-d": 1}
    assert counts["pec-b"]["changed"] == 1 and (chaves(state, "pec-b") / "3550301.pfx").exists()
    for host in ("pec-a", "pec-c", "pec-d"):
        assert not chaves(state, host).exists(), "%s was touched" % host
    # pec-a: the misspelt CNPJ variable refuses the host; the message is Portuguese and says how to allow it
    assert (
        "host pec-a: a variável rnds_certificate_expected_cnjp não é do esus.pec (você quis dizer "
        "rnds_certificate_expected_cnpj?)" in said
    )
    assert "rnds_certificate_allow_unknown_variables: true" in said
    # pec-b: a warning naming the variable and the closest declared one, once, and the host deployed
    warning = (
        "host pec-b: a variável rnds_readiness_report_langauge não é do esus.pec e é ignorada (você quis dizer "
        "rnds_readiness_report_language?)"
    )
    assert said.count(warning) == 1
    # pec-c: the variable, the file and line it is in, and the vault id
    assert re.search(
        r"host pec-c: rnds_certificate_password \(em \S+/inventario/host_vars/pec-c\.yml:\d+\) não pôde ser decifrada"
        r" com os segredos do vault dados \(vault id do valor: outro\)",
        said,
    ), said[-3000:]
    # pec-d: the variable and !unsafe, and no fragment of the password (play() checked the whole output)
    assert "host pec-d: a senha em rnds_certificate_password parece um modelo Jinja" in said
    assert "rnds_certificate_password: !unsafe '...'" in said
    # the terminal's story: one summary, counts then one line per refused host (municipality, code, next step)
    assert "RESUMO DO DEPLOY: 4 servidor(es): 1 alterado(s), 0 sem mudança, 3 recusado(s) (nada alterado neles)" in said
    for host, code in (
        ("pec-a", "input.misspelt_check"),
        ("pec-c", "input.password_vault"),
        ("pec-d", "input.password_template"),
    ):
        assert (
            "- Município %s (%s, IBGE 35503" % (host[-1].upper(), host) in said
            and "): %s: host %s:" % (code, host) in said
        )
    # a refusal prints its message and what decided, not the result's JSON with the certificate's details
    fatal = re.search(r"fatal: \[pec-a\]: FAILED! => (\{.*?\n\})", result.stdout, re.S)
    assert fatal and not {"certificate", "pkcs12", "reasons"} & set(json.loads(fatal.group(1)))


def test_the_team_can_allow_a_misspelt_check_knowingly(state):
    result, said = play(state, "deploy.yml", "--limit", "pec-a", "-e", "rnds_certificate_allow_unknown_variables=true")
    assert result.returncode == 0, said[-3000:]
    assert recap(result)["pec-a"]["changed"] == 1
    assert "a variável rnds_certificate_expected_cnjp não é do esus.pec" in said  # still warned


def test_the_audit_names_the_same_mistakes_in_its_one_task(state):
    report = state["work"] / "relatorio"
    result, said = play(state, "readiness.yml", "-e", "rnds_readiness_report_dir=%s" % report)
    counts = recap(result)
    assert counts["pec-c"]["failed"] == 1 and counts["pec-d"]["failed"] == 1
    assert "não pôde ser decifrada com os segredos do vault dados (vault id do valor: outro)" in said
    assert "host pec-d: a senha em rnds_certificate_password parece um modelo Jinja" in said
    assert said.count("rnds_readiness_report_langauge não é do esus.pec") == 1


def test_a_whole_file_vault_stops_ansible_itself_and_the_docs_command_finds_the_file(state, tmp_path):
    """What docs/inventory.md says of whole-file vaults (host_vars/<host>/vault.yml, ansible-vault encrypt): one
    encrypted with another secret stops the whole run before any task, naming no file; the docs' loop, run as
    written from the state's folder, names that file and only it."""
    env = state["env"]
    estado = tmp_path / "estado-sp"
    inventory = estado / "inventario"
    for host, secret in (("pec-x", state["work"] / "vault-outro"), ("pec-y", state["vault"])):
        folder = inventory / "host_vars" / host
        folder.mkdir(parents=True)
        (folder / "main.yml").write_text("esus_pec_become: false\n")
        vault = folder / "vault.yml"
        vault.write_text("vault_senha: !unsafe 'Senha-%s-8d1'\n" % host)
        subprocess.run(
            [sys.executable, "-m", "ansible.cli.vault", "encrypt", "--vault-id", "sp@%s" % secret, str(vault)],
            env=env,
            check=True,
            capture_output=True,
        )
    (inventory / "hosts").write_text("[pec_servers]\npec-x ansible_connection=local\npec-y ansible_connection=local\n")
    result = run_playbook(
        REPO / "playbooks" / "deploy.yml", inventory, env, "-v", "--vault-id", "sp@%s" % state["vault"]
    )
    said = result.stdout + result.stderr
    assert result.returncode != 0 and "Decryption failed" in said
    assert "PLAY RECAP" not in said  # every host stopped, none reached
    (estado / ".vault-pass").write_text(state["vault"].read_text())
    found = subprocess.run(
        ["bash", "-c", block(REPO / "docs" / "inventory.md", "tests/integration/test_inventory_mistakes.py")],
        cwd=estado,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.splitlines() == [
        "não abre com este segredo: inventario/host_vars/pec-x/vault.yml ($ANSIBLE_VAULT;1.2;AES256;sp)"
    ]


def test_a_refusal_prints_its_message_not_the_certificates_details(state):
    """Another municipality's certificate (pec-a's, its CNPJ now given right): the host is refused and the terminal
    shows the message and the verdict, not the certificate's subject or the responsible person's name."""
    own = re.search(r"expected_cnjp: '(\d+)'", (state["inventory"] / "host_vars" / "pec-a.yml").read_text()).group(1)
    target = chaves(state, "pec-a") / "3550300.pfx"
    before = target.read_bytes() if target.exists() else None
    result, said = play(state, "deploy.yml", "--limit", "pec-a", "-e", "rnds_certificate_expected_cnpj=%s" % own)
    assert result.returncode != 0 and recap(result)["pec-a"]["failed"] == 1
    assert "MARIA DA SILVA" not in said and "MUNICIPIO DE TESTE" not in said
    fatal = re.search(r"fatal: \[pec-a\]: FAILED! => (\{.*?\n\})", result.stdout, re.S)
    shown = json.loads(fatal.group(1))
    assert shown["verdict"] == "identity_mismatch" and "certificate" not in shown and "host pec-a" in shown["msg"]
    assert (target.read_bytes() if target.exists() else None) == before  # nothing changed on the refused host


def test_when_every_host_is_refused_the_summary_and_the_report_still_come(state):
    """Every host of the run refused (pec-b, the one without a mistake, left out): the deploy still ends with its
    summary, and the audit still writes its report and ends with its summary, each refused host in them with its
    code. The summary and the report are run_once tasks: with every host failed in the task before them, no host
    was left to run them, and a run where the whole state made the same mistake ended with no summary at all."""
    refused = ("pec-a", "pec-c", "pec-d")
    roots = {host: state["work"] / "root" / host for host in refused}
    before = {host: snapshot(root) for host, root in roots.items()}  # pec-a may hold what an earlier test deployed
    result, said = play(state, "deploy.yml", "--limit", ",".join(refused))
    assert result.returncode != 0
    assert {host: recap(result)[host]["failed"] for host in refused} == dict.fromkeys(refused, 1)
    assert (
        "RESUMO DO DEPLOY: 3 servidor(es): 0 alterado(s), 0 sem mudança, 3 recusado(s) (nada alterado neles), "
        "0 sem resposta" in said
    ), said[-3000:]
    assert "): input.password_vault: host pec-c:" in said and "): input.password_template: host pec-d:" in said
    assert {host: snapshot(root) for host, root in roots.items()} == before  # nothing changed on a refused host

    report = state["work"] / "relatorio-recusados"
    result, said = play(state, "readiness.yml", "--limit", "pec-c,pec-d", "-e", "rnds_readiness_report_dir=%s" % report)
    assert result.returncode != 0
    assert "RESUMO DA AUDITORIA: 2 servidor(es): 0 pronto(s) para a RNDS, 0 não pronto(s), 2 não auditado(s)" in said
    assert "host pec-c: rnds_certificate_password (em" in said.split("RESUMO DA AUDITORIA")[-1]  # its own line
    rows = {row["host"]: row for row in json.loads((report / "readiness.json").read_text())["hosts"]}
    assert set(rows) == {"pec-c", "pec-d"}
    assert all(not row["ready"] for row in rows.values()), rows
    assert all(row["municipality"] for row in rows.values()), rows  # who it is, from the inventory


def test_a_password_through_another_variable_still_works(state, pki, tmp_path):
    """The layout teams already have (docs before this change): rnds_certificate_password pointing at a variable of
    a whole-file vaulted vault.yml, written !unsafe, with Jinja braces in it. The action templates the pointer
    itself: the certificate opens (--check says it would deploy) and no part of the password shows."""
    env, braced = state["env"], "Old-{{ layout }}-%s" % FRAGMENT
    inventory = tmp_path / "inventario"
    folder = inventory / "host_vars" / "pec-old"
    folder.mkdir(parents=True)
    key, cert = pki.leaf(key=pki.key("ec", "pec-old"), cnpj_value=cnpj("565656560001"))
    vault_encrypt(pki.pfx("pec-old.pfx", key, cert, braced), state["vault"], env, output=tmp_path / "pec-old.pfx")
    (tmp_path / "root" / "webserver" / "config").mkdir(parents=True)
    (folder / "main.yml").write_text(
        "\n".join(
            [
                "rnds_certificate_src: %s" % (tmp_path / "pec-old.pfx"),
                "rnds_certificate_password: '{{ vault_rnds_certificate_password }}'",
                "rnds_certificate_expected_cnpj: '%s'" % cnpj("565656560001"),
                "rnds_certificate_pec_root: %s" % (tmp_path / "root" / "webserver"),
                "rnds_certificate_owner: %s" % getpass.getuser(),
                "rnds_certificate_group: %s" % grp.getgrgid(os.getgid()).gr_name,
                "esus_pec_become: false",
                "",
            ]
        )
    )
    vault = folder / "vault.yml"
    vault.write_text("vault_rnds_certificate_password: !unsafe '%s'\n" % braced)
    vault_encrypt(vault, state["vault"], env)
    (inventory / "hosts").write_text(
        "[pec_servers]\npec-old ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable
    )
    options = ("-vvvv", "--vault-id", "sp@%s" % state["vault"], "--check")
    result = run_playbook(REPO / "playbooks" / "deploy.yml", inventory, env, *options)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert re.search(r"^pec-old\s+: ok=2\s+changed=1 ", result.stdout, re.M)
    assert FRAGMENT not in output and not leaks(output, [braced, *file_material([pki.dir / "pec-old.pfx"])])


def test_certificates_outside_the_inventory_folder_are_not_parsed_as_inventory(state, tmp_path):
    """docs/inventory.md: in the inventory folder, `-i inventario/` tries every vaulted .pfx as an inventory source
    (warnings naming each); beside it, nothing but the inventory is read."""
    env = dict(state["env"], ANSIBLE_INVENTORY_UNPARSED_WARNING="1")
    env.pop("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", None)

    def warnings_about_certificates(inventory: Path) -> tuple:
        listed = subprocess.run(
            ["ansible-inventory", "-i", str(inventory), "--list", "--vault-id", "sp@%s" % state["vault"]],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return len(re.findall(r"\.pfx", listed.stderr)), len(listed.stderr.splitlines())

    inside = tmp_path / "inside" / "inventario"
    shutil.copytree(state["inventory"], inside)
    shutil.copytree(state["work"] / "certificados", inside / "files" / "certificados")
    named, lines = warnings_about_certificates(inside)
    assert named >= len(HOSTS) and lines >= 5 * len(HOSTS)  # each certificate named, several lines each (~10 on 2.19)
    assert warnings_about_certificates(state["inventory"])[0] == 0  # the recommended layout
