# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/operations.md's commands, run as written (tests/support/doc_blocks.py) from a state's folder: an inventory
laid out as docs/inventory.md says, one Linux PEC server reached over real SSH (a loopback sshd, an admin with
sudo), the state's vault password in .vault-pass.

- the host keys: before the docs' block, Ansible with host key checking on fails ("Host key verification
  failed"); after it, the same ping answers;
- the forks: the audit with -f 50;
- the renewal: a first certificate deployed, then the docs' steps with a new .pfx and a new password (step 2,
  the edit of host_vars, done here as a team does it by hand): --check says renewal and changes nothing, the
  deploy puts exactly the new file.

Only for the test: ssh reads known_hosts from the account's home in /etc/passwd, not $HOME, so the test points it
at $HOME/.ssh/known_hosts (the file the docs' block writes) with ANSIBLE_SSH_ARGS; root's own file is untouched.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import sshd
from tests.support.collection import REPO, ansible_env, vault_decrypt
from tests.support.doc_blocks import block
from tests.support.pki import cnpj

PAGE = REPO / "docs" / "operations.md"
ME = "tests/integration/test_operations_docs.py"
HOST = "pec-3550308"
CNPJ = cnpj("464646460001")

pytestmark = pytest.mark.skipif(sshd.why_not() is not None, reason=str(sshd.why_not()))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sshd.loopback_sshd(tmp_path_factory.mktemp("sshd")) as found:
        yield found


@pytest.fixture(scope="module")
def state(server, pki, tmp_path_factory):
    base = tmp_path_factory.mktemp("operations")
    home, estado = base / "home", base / "estado-sp"
    (home / ".ssh").mkdir(parents=True)
    (home / "Downloads").mkdir()
    (estado / "inventario" / "host_vars").mkdir(parents=True)
    (estado / "certificados").mkdir()
    (estado / ".vault-pass").write_text("segredo-do-estado-ops\n")
    sandbox = Path("/srv/esus-pec-ops-tests") / base.name  # root-owned, like /opt/e-SUS on a PEC server
    (sandbox / "webserver" / "config").mkdir(parents=True)
    env = ansible_env(
        HOME=str(home),
        ANSIBLE_HOST_KEY_CHECKING="1",
        ANSIBLE_SSH_ARGS="-o UserKnownHostsFile=%s -o ControlMaster=no" % (home / ".ssh" / "known_hosts"),
        ANSIBLE_LOCAL_TEMP=str(base / "local_tmp"),
    )
    env["PATH"] = os.path.dirname(shutil.which("ansible-playbook")) + os.pathsep + env["PATH"]
    (estado / "inventario" / "hosts").write_text("[pec_servers]\n%s\n" % HOST)
    (estado / "inventario" / "host_vars" / ("%s.yml" % HOST)).write_text(
        "\n".join(
            [
                "ansible_host: %s" % server["host"],
                "ansible_port: %d" % server["port"],
                "ansible_user: %s" % server["user"],
                "ansible_ssh_private_key_file: %s" % server["key"],
                "ansible_python_interpreter: /usr/bin/python3",
                "rnds_certificate_ibge_code: '3550308'",
                "rnds_certificate_expected_cnpj: '%s'" % CNPJ,
                'rnds_certificate_src: "{{ inventory_dir }}/../certificados/3550308.pfx"',
                "rnds_certificate_pec_root: %s" % (sandbox / "webserver"),
                "rnds_readiness_fact_path: %s" % (sandbox / "esus_pec_rnds.fact"),
                "rnds_readiness_check_network: false",
                "rnds_certificate_password: !unsafe 'Primeira-Senha-1'",
                "",
            ]
        )
    )
    yield {"home": home, "estado": estado, "env": env, "sandbox": sandbox, "pki": pki}
    shutil.rmtree(sandbox, ignore_errors=True)


def run(state, text: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", text],
        cwd=state["estado"],
        env=dict(state["env"], **extra),
        capture_output=True,
        text=True,
        check=False,
    )


def ping(state) -> subprocess.CompletedProcess:
    return run(state, "ansible pec_servers -i inventario/ --vault-id sp@.vault-pass -m ansible.builtin.ping")


def test_host_keys_block_lets_ansible_check_the_servers_keys(state):
    before = ping(state)
    assert before.returncode != 0 and "Host key verification failed" in before.stdout + before.stderr
    done = run(state, block(PAGE, ME, 0))
    assert done.returncode == 0, done.stderr
    assert "[127.0.0.1]" in (state["home"] / ".ssh" / "known_hosts").read_text()
    assert "ED25519" in done.stdout  # the fingerprints listed for comparison
    after = ping(state)
    assert after.returncode == 0 and '"ping": "pong"' in after.stdout, after.stdout[-2000:]


def test_forks_block_audits_the_state(state):
    done = run(state, block(PAGE, ME, 1))
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.search(r"^%s\s+: ok=\d+ .* failed=0 " % HOST, done.stdout, re.M)
    assert (
        state["estado"] / "rnds-readiness-report" / "readiness.json"
    ).exists() or "RESUMO DA AUDITORIA" in done.stdout


def deployed(state) -> bytes:
    return (state["sandbox"] / "webserver" / "chaves" / "3550308.pfx").read_bytes()


def test_renewal_steps_replace_the_certificate(state):
    pki, estado = state["pki"], state["estado"]
    key, first = pki.leaf(key=pki.key("ec", "ops-first"), cnpj_value=CNPJ, days_to=20)
    source = estado / "certificados" / "3550308.pfx"
    shutil.copy(pki.pfx("ops-first.pfx", key, first, "Primeira-Senha-1"), source)
    subprocess.run(
        ["ansible-vault", "encrypt", "--vault-id", "sp@.vault-pass", str(source)],
        cwd=estado,
        env=state["env"],
        check=True,
    )
    first_deploy = run(state, "ansible-playbook esus.pec.deploy -i inventario/ --vault-id sp@.vault-pass")
    assert first_deploy.returncode == 0, first_deploy.stdout[-3000:]
    old = deployed(state)
    # the new certificate from e-Gestor AB, with a new password, where the docs' block expects it
    key, renewed = pki.leaf(key=pki.key("ec", "ops-renewed"), cnpj_value=CNPJ, days_to=365)
    new_password = "Nova-Senha-2026"
    new = pki.pfx("ops-renewed.pfx", key, renewed, new_password)
    shutil.copy(new, state["home"] / "Downloads" / "certificado-novo.pfx")
    step1 = run(state, block(PAGE, ME, 2), NOVA_SENHA=new_password)
    assert step1.returncode == 0, step1.stderr
    assert source.read_text().startswith("$ANSIBLE_VAULT;1.2;AES256;sp")
    # step 2, by hand: the new value in place of the old one
    host_vars = estado / "inventario" / "host_vars" / ("%s.yml" % HOST)
    text = host_vars.read_text().replace("rnds_certificate_password: !unsafe 'Primeira-Senha-1'\n", "")
    host_vars.write_text(text + (estado / "senha.yml").read_text())
    (estado / "senha.yml").unlink()
    step3 = block(PAGE, ME, 3).strip().splitlines()
    check = run(state, step3[0])
    assert check.returncode == 0, check.stdout[-3000:]
    assert re.search(
        r"^-\S+/chaves/3550308\.pfx: .* sha1 [0-9a-f]{40}\n\+\S+/chaves/3550308\.pfx: .* sha1", check.stdout, re.M
    )
    assert "RESUMO DO DEPLOY: 1 servidor(es): 1 alterado(s)" in check.stdout and deployed(state) == old
    deploy = run(state, step3[1])
    assert deploy.returncode == 0, deploy.stdout[-3000:]
    now = deployed(state)
    assert hashlib.sha256(now).digest() == hashlib.sha256(new.read_bytes()).digest()
    assert vault_decrypt(source, estado / ".vault-pass") == new.read_bytes()
    assert new_password not in check.stdout + deploy.stdout
