# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The execution environment built by scripts/ee-build.sh, run the way AWX runs a job template.

Each job is an ``ansible_runner.run`` with process isolation in docker and the built image, on a private data
folder laid out as AWX lays it out: the project (one-line playbooks importing esus.pec's and the vaulted
certificates, as a state keeps them in Git) in ``project/``, the inventory as a script printing JSON, with each
certificate password an ``ansible-vault encrypt_string`` value, the Machine credential's SSH key in
``env/ssh_key`` as a named pipe, the Vault credential answered at the ``Vault password (sp):`` prompt
(``--vault-id sp@prompt``, ``passwords=``), extra variables in ``env/extravars``. The hosts are a small fleet on
this machine reached over SSH on 127.0.0.1 as a non-root admin with sudo (tests/support/sshd.py).

Jobs: deploy (with a Limit that leaves one host out), readiness (report into the job's artifacts), readiness
sliced in 3 as AWX job slicing splits an inventory, and the merge of the slices' reports, both with the
project playbooks of docs/awx.md, read from the page. After every job no secret is anywhere in its folder.
Run by ``bash scripts/test.sh ee`` after the image is built.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support import sshd
from tests.support.collection import REPO
from tests.support.leaks import file_material, key_material, leaks
from tests.support.pki import cnpj

IMAGE = os.environ.get("ESUS_EE_IMAGE", "localhost/esus-pec-ee:test")
VERSION = yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]
VAULT_ID = "sp"
HOSTS = ["pec-ee-%d" % number for number in range(1, 7)]
LEFT_OUT = "pec-ee-6"  # the deploy job's Limit leaves it out: the audits find chaves never made
SLICES = 3
SHARED = "/srv/esus-pec/rnds"
ACTION = "esus.pec.certificate_deploy"  # docs/awx.md: the folder every slice and the merge job see


def _docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def image() -> str:
    if sshd.why_not() is not None:
        pytest.fail(str(sshd.why_not()))
    if shutil.which("docker") is None or _docker("info", check=False).returncode != 0:
        pytest.fail("no docker engine: run bash scripts/test.sh ee (it starts one and builds %s)" % IMAGE)
    if _docker("image", "inspect", IMAGE, check=False).returncode != 0:
        pytest.fail("%s is not built: bash scripts/ee-build.sh" % IMAGE)
    return IMAGE


def test_the_image_holds_the_collection_and_the_pinned_controller(image):
    probe = (
        "ansible-galaxy collection list esus.pec && ansible --version && ansible-runner --version"
        " && python3.11 -c 'import cryptography; print(\"cryptography\", cryptography.__version__)'"
        " && for tool in ssh-agent ssh-add ssh; do command -v $tool; done && id -u"
    )
    found = _docker("run", "--rm", image, "sh", "-c", probe)
    out = found.stdout
    assert re.search(r"^esus\.pec\s+%s\s*$" % re.escape(VERSION), out, re.M), out
    assert "/usr/share/ansible/collections/ansible_collections" in out
    assert "ansible [core 2.19.14]" in out and "cryptography 50.0.2" in out
    assert re.search(r"^2\.4\.3$", out, re.M), out  # ansible-runner
    assert "/usr/bin/ssh-agent\n/usr/bin/ssh-add\n/usr/bin/ssh\n" in out
    assert out.rstrip().splitlines()[-1] == "1000"  # ansible-builder's non-root user
    labels = json.loads(_docker("image", "inspect", "--format", "{{ json .Config.Labels }}", image).stdout)
    assert labels.get("ansible-execution-environment") == "true"


def _vault(password: str):
    from ansible.parsing.vault import VaultLib, VaultSecret

    return VaultLib([(VAULT_ID, VaultSecret(password.encode()))])


def _docs_playbooks() -> dict[str, str]:
    """The project playbooks docs/awx.md gives for sliced audits: {file name: playbook text}."""
    page = (REPO / "docs" / "awx.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", page, re.S) if "# readiness_sliced.yml" in b)
    sliced, merge = block.split("\n# readiness_merge.yml")
    return {"readiness_sliced.yml": sliced, "readiness_merge.yml": "# readiness_merge.yml" + merge}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sshd.loopback_sshd(tmp_path_factory.mktemp("sshd")) as found:
        yield found


@pytest.fixture(scope="module")
def fleet(image, server, pki, tmp_path_factory):
    """The state's Git project, the hosts' sandbox PEC folders, and every secret that must not leak."""
    base = tmp_path_factory.mktemp("awx")
    sandbox = Path("/srv/esus-pec-ee-tests") / base.name  # root-owned, like /opt/e-SUS on a PEC server
    project = base / "project"
    certificates = project / "certificados"  # beside the inventory, not in it (docs/inventory.md)
    certificates.mkdir(parents=True)
    vault_password = "ee-vault %s ;|&" % os.urandom(6).hex()  # never on disk: the job gets it at the prompt
    vault = _vault(vault_password)
    ssh_key = Path(server["key"]).read_text()
    secrets = [vault_password, *[line for line in ssh_key.splitlines()[1:-1] if len(line) > 20]]
    keys, plain_files, hostvars = [], {}, {}
    for index, host in enumerate(HOSTS):
        ibge = "35503%02d" % index
        value = cnpj("60606060%04d" % index)
        key, cert = pki.leaf(key=pki.key("ec", host), cnpj_value=value)
        password = "Ee-%d $(id) ;|& `x` {{ not_a_variable }}" % index
        plain = pki.pfx("ee-%s.pfx" % host, key, cert, password)
        plain_files[host] = plain.read_bytes()
        (certificates / ("%s.pfx" % ibge)).write_bytes(vault.encrypt(plain_files[host], vault_id=VAULT_ID))
        keys.append(key)
        secrets += [password, *file_material([plain])]
        plain.unlink()
        root = sandbox / host / "webserver"
        (root / "config").mkdir(parents=True)
        hostvars[host] = {
            "ansible_host": server["host"],
            "ansible_port": server["port"],
            "ansible_python_interpreter": "/usr/bin/python3",
            # AWX copies the project into the job at /runner/project; inventory_dir is the job's inventory folder
            "rnds_certificate_src": "/runner/project/certificados/%s.pfx" % ibge,
            # an ansible-vault encrypt_string value, as an inventory script gives it
            "rnds_certificate_password": {
                "__ansible_vault": vault.encrypt(password, vault_id=VAULT_ID).decode(),
            },
            "rnds_certificate_expected_cnpj": value,
            "rnds_certificate_pec_root": str(root),
            "rnds_certificate_ibge_code": ibge,
            "rnds_readiness_fact_path": str(sandbox / host / "esus_pec_rnds.fact"),
            "rnds_readiness_check_network": False,
        }
    for name in ("deploy", "readiness"):
        (project / ("%s.yml" % name)).write_text(
            "- name: esus.pec.%s, as the job template runs it\n  ansible.builtin.import_playbook: esus.pec.%s\n"
            % (name, name)
        )
    for name, text in _docs_playbooks().items():
        (project / name).write_text(text)
    shared = base / "shared"
    shared.mkdir()
    yield {
        "image": image,
        "base": base,
        "project": project,
        "hostvars": hostvars,
        "vault_password": vault_password,
        "ssh_key": ssh_key,
        "user": server["user"],
        "sandbox": sandbox,
        "shared": shared,
        "plain": plain_files,
        "secrets": secrets + key_material(keys),  # leaks() looks for JSON-escaped forms too
    }
    shutil.rmtree(sandbox, ignore_errors=True)


def _inventory_script(hosts: list[str], hostvars: dict) -> str:
    """The inventory as AWX hands it to a job: a script printing the (sliced) inventory as JSON."""
    data = {
        "all": {"children": ["pec_servers"]},
        "pec_servers": {"hosts": hosts},
        "_meta": {"hostvars": {host: hostvars[host] for host in hosts}},
    }
    return "#! /usr/bin/env python3\nprint(%r)\n" % json.dumps(data)


def awx_job(fleet, job_id: int, playbook: str, *, hosts=HOSTS, limit=None, extra_vars=None):
    """One job template launch: a fresh private data folder, the credentials as AWX passes them, the EE."""
    import ansible_runner
    from ansible_runner.utils import open_fifo_write

    private = fleet["base"] / ("job-%d" % job_id)
    shutil.copytree(fleet["project"], private / "project")
    (private / "inventory").mkdir()
    script = private / "inventory" / "hosts"
    script.write_text(_inventory_script(list(hosts), fleet["hostvars"]))
    script.chmod(0o700)
    (private / "env").mkdir()
    (private / "env" / "extravars").write_text(
        json.dumps({"awx_job_id": job_id, "awx_job_template_name": playbook, **(extra_vars or {})})
    )
    # Machine credential: the key goes through a named pipe that ssh-add reads in the container (as AWX does)
    open_fifo_write(str(private / "env" / "ssh_key"), fleet["ssh_key"])
    cmdline = ["-u", fleet["user"], "--vault-id", "%s@prompt" % VAULT_ID, "--forks", "10"]
    if limit:
        cmdline += ["--limit", limit]
    run = ansible_runner.run(
        private_data_dir=str(private),
        ident=str(job_id),
        playbook=playbook,
        cmdline=" ".join(cmdline),
        passwords={r"Vault password \(%s\):\s*?$" % VAULT_ID: fleet["vault_password"]},
        suppress_env_files=True,  # else ansible-runner keeps the answers in env/passwords, in clear
        process_isolation=True,
        process_isolation_executable="docker",
        container_image=fleet["image"],
        container_options=["--network=host"],
        container_volume_mounts=["%s:%s:Z" % (fleet["shared"], SHARED)],
        quiet=True,
    )
    artifacts = private / "artifacts" / str(job_id)
    stdout = (artifacts / "stdout").read_text()
    assert "Vault password (%s):" % VAULT_ID in stdout  # answered at the prompt, as AWX's Vault credential is
    _assert_no_secret_in(private, fleet["secrets"], pipe=private / "env" / "ssh_key")
    return run, artifacts, stdout


def _assert_no_secret_in(folder: Path, secrets: list[str], pipe: Path | None = None) -> None:
    """Every regular file left in a job's folder (artifacts, job_events, stdout, env.list, fact cache, report,
    project) or the shared folder is free of secrets; the key's named pipe is empty (ssh-add read it)."""
    checked, found = 0, {}
    for path in folder.rglob("*"):
        mode = path.lstat().st_mode
        if stat.S_ISFIFO(mode):
            assert path == pipe, "a named pipe left in %s: %s" % (folder, path)
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            try:
                assert os.read(descriptor, 4096) == b""
            finally:
                os.close(descriptor)
        elif stat.S_ISREG(mode):
            checked += 1
            text = path.read_bytes().decode("utf-8", "replace")
            hits = leaks(text, secrets)
            if hits:
                found[str(path.relative_to(folder))] = len(hits)
    assert checked >= 3
    assert not found, "secret material in %s (file: count): %s" % (folder, found)


def _recap(run) -> dict:
    return {key: sorted(run.stats.get(key) or {}) for key in ("ok", "changed", "failures", "dark")}


@pytest.fixture(scope="module")
def deployed(fleet):
    run, artifacts, stdout = awx_job(fleet, 101, "deploy.yml", limit="pec_servers:!%s" % LEFT_OUT)
    return run, artifacts, stdout


def test_deploy_job_in_the_ee(fleet, deployed):
    run, artifacts, stdout = deployed
    assert (run.status, run.rc) == ("successful", 0), stdout[-3000:]
    recap = _recap(run)
    expected = [host for host in HOSTS if host != LEFT_OUT]
    assert recap["changed"] == expected and not recap["failures"] and not recap["dark"], recap
    for index, host in enumerate(HOSTS):
        chaves = fleet["sandbox"] / host / "webserver" / "chaves"
        if host == LEFT_OUT:
            assert not chaves.exists()
            continue
        deployed_file = chaves / ("35503%02d.pfx" % index)
        assert deployed_file.read_bytes() == fleet["plain"][host]
        info = deployed_file.stat()
        assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (0, 0o600)
    events = [json.loads(p.read_text()) for p in (artifacts / "job_events").glob("*.json")]
    deploys = [e for e in events if e["event"] == "runner_on_ok" and e["event_data"].get("task_action") == ACTION]
    assert sorted(e["event_data"]["host"] for e in deploys) == expected


def _report(folder: Path) -> dict:
    for name in ("readiness.json", "readiness.csv", "readiness.html"):
        assert (folder / name).is_file(), folder / name
    return json.loads((folder / "readiness.json").read_text())


def test_readiness_job_report_comes_back_in_the_artifacts(fleet, deployed):
    run, artifacts, stdout = awx_job(
        fleet, 102, "readiness.yml", extra_vars={"rnds_readiness_report_dir": "/runner/artifacts/report"}
    )
    assert (run.status, run.rc) == ("successful", 0), stdout[-3000:]
    report = _report(artifacts.parent / "report")
    ready = {row["host"]: row["ready"] for row in report["hosts"]}
    assert ready == {host: host != LEFT_OUT for host in HOSTS}
    (row,) = [row for row in report["hosts"] if row["host"] == LEFT_OUT]
    assert "chaves does not exist" in " ".join(row["reasons"]), row
    assert (report["summary"]["hosts"], report["summary"]["ready"]) == (6, 5)
    audits = [
        json.loads(p.read_text())
        for p in (artifacts / "job_events").glob("*.json")
        if '"esus.pec.rnds_audit"' in p.read_text()
    ]
    assert sorted({e["event_data"]["host"] for e in audits if e["event"] == "runner_on_ok"}) == HOSTS


def awx_slices(hosts: list[str], count: int) -> list[list[str]]:
    """How AWX job slicing splits an inventory: the hosts by name, slice n takes every count-th from n."""
    ordered = sorted(hosts)
    return [ordered[number::count] for number in range(count)]


def test_sliced_readiness_then_one_report(fleet, deployed):
    slices = awx_slices(HOSTS, SLICES)
    assert sorted(host for hosts in slices for host in hosts) == HOSTS and all(slices)
    for number, hosts in enumerate(slices):
        run, _, stdout = awx_job(fleet, 201 + number, "readiness_sliced.yml", hosts=hosts)
        assert (run.status, run.rc) == ("successful", 0), stdout[-3000:]
        assert sorted(run.stats["ok"]) == hosts
    days = list((fleet["shared"] / "slices").iterdir())
    assert len(days) == 1
    parts = sorted(days[0].iterdir())
    assert [p.name for p in parts] == ["201", "202", "203"]
    for part, hosts in zip(parts, slices):
        assert sorted(row["host"] for row in _report(part)["hosts"]) == hosts

    run, _, stdout = awx_job(fleet, 301, "readiness_merge.yml")
    assert (run.status, run.rc) == ("successful", 0), stdout[-3000:]
    merged = _report(fleet["shared"] / "estado")
    assert {row["host"]: row["ready"] for row in merged["hosts"]} == {host: host != LEFT_OUT for host in HOSTS}
    assert len(merged["merged_from"]) == SLICES
    assert sorted(part["hosts"] for part in merged["merged_from"]) == sorted(len(s) for s in slices)
    assert "Merged report: 6 hosts, 5" in stdout
    html = (fleet["shared"] / "estado" / "readiness.html").read_text()
    assert "Junção de 3 relatórios parciais" in html
    for hosts in slices:
        assert all(host in html for host in hosts)
    _assert_no_secret_in(fleet["shared"], fleet["secrets"])
