# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where state teams run Ansible: the execution environment for AWX, and ansible-runner (AWX's engine).

``ansible-builder create`` generates the EE build context from execution-environment.yml with the real
collection tarball (no image is built here: no registry is reachable). The readiness playbook then runs
through ``ansible_runner.run`` on the README demo's fleet, and its artifacts are read back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from tests.support.collection import REPO, ansible_env, collections_path

VERSION = yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    subprocess.run(
        [sys.executable, "-m", "ansible.cli.galaxy", "collection", "build", "--output-path", str(out), str(REPO)],
        env=ansible_env(),
        check=True,
        capture_output=True,
    )
    return out / ("esus-pec-%s.tar.gz" % VERSION)


def test_collection_tarball_ships_the_collection_and_nothing_local(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for needed in (
        "plugins/modules/pkcs12_validate.py",
        "plugins/action/rnds_audit.py",
        "roles/rnds_certificate/tasks/main.yml",
        "plugins/modules/win_chaves_certificate.ps1",
        "plugins/modules/win_pec_probe.ps1",
        "roles/rnds_readiness/tasks/main.yml",
        "playbooks/readiness.yml",
        "meta/execution-environment.yml",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith((".venv", ".cache", ".ansible", "ee/", "benchmarks/output"))]
    assert tarball.stat().st_size < 2 * 1024 * 1024


def test_ansible_builder_creates_the_context(tarball, tmp_path):
    work = tmp_path / "ee-src"
    (work / "ee").mkdir(parents=True)
    (work / "meta").mkdir()
    shutil.copy(REPO / "execution-environment.yml", work)
    shutil.copy(REPO / "meta" / "ee-bindep.txt", work / "meta")
    shutil.copy(tarball, work / "ee")
    context = tmp_path / "context"
    builder = Path(sys.executable).with_name("ansible-builder")
    subprocess.run(
        [
            str(builder),
            "create",
            "-f",
            "execution-environment.yml",
            "-c",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    )
    containerfile = (context / "Containerfile").read_text()
    build = context / "_build"
    assert (build / "esus-pec" / tarball.name).is_file()
    assert "COPY _build/esus-pec/ /tmp/esus-pec/" in containerfile
    assert "ansible-galaxy" in containerfile and "quay.io/centos/centos:stream9" in containerfile
    requirements = (build / "requirements.txt").read_text()
    assert "cryptography==50.0.2" in requirements and "ansible==12.3.0" in requirements
    assert "openssl" in (build / "bindep.txt").read_text()
    galaxy = yaml.safe_load((build / "requirements.yml").read_text())
    assert galaxy["collections"] == [{"name": "/tmp/esus-pec/%s" % tarball.name, "type": "file"}]


def test_collection_ee_metadata_points_at_its_files():
    meta = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text())
    for kind in ("python", "system"):
        assert (REPO / meta["dependencies"][kind]).is_file()
    assert "cryptography" in (REPO / "meta" / "ee-requirements.txt").read_text()
    assert ("esus-pec-%s.tar.gz" % VERSION) in (REPO / "execution-environment.yml").read_text()


def test_readiness_through_ansible_runner(tmp_path):
    """The engine AWX uses, in process mode, on the README demo's fleet; then its artifacts."""
    import ansible_runner

    demo = tmp_path / "demo"
    env = dict(os.environ, ESUS_DEMO_DIR=str(demo))
    subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], env=env, check=True, capture_output=True)
    private = tmp_path / "runner"
    (private / "project").mkdir(parents=True)
    (private / "env").mkdir()
    (private / "project" / "readiness.yml").write_text(
        "- name: Audit, as an AWX job template would\n  ansible.builtin.import_playbook: esus.pec.readiness\n"
    )
    shutil.copytree(demo / "inventario", private / "inventory")
    report = tmp_path / "report"
    (private / "env" / "envvars").write_text(
        json.dumps(
            {
                "ANSIBLE_COLLECTIONS_PATH": str(collections_path()),
                "ANSIBLE_VAULT_PASSWORD_FILE": str(demo / "vault-password"),
            }
        )
    )
    (private / "env" / "extravars").write_text(
        json.dumps(
            {"esus_pec_hosts": "all", "rnds_readiness_check_network": False, "rnds_readiness_report_dir": str(report)}
        )
    )
    run = ansible_runner.run(private_data_dir=str(private), playbook="readiness.yml", quiet=True)
    assert (run.status, run.rc) == ("successful", 0)
    groups = json.loads((demo / "inventario" / "hosts.yml").read_text())["all"]["children"]
    hosts = sorted([*groups["pec_servers"]["hosts"], *groups["pec_pending"]["hosts"]])
    assert sorted(run.stats["ok"]) == hosts and len(hosts) == 7
    assert not run.stats["failures"] and not run.stats["dark"]
    events = list(run.events)
    audits = [
        e
        for e in events
        if e["event"] == "runner_on_ok" and e["event_data"].get("task_action") == "esus.pec.rnds_audit"
    ]
    assert len(audits) == 7
    artifacts = Path(run.config.artifact_dir)
    assert (artifacts / "stdout").read_text().count("esus.pec.rnds_readiness") > 0
    assert len(list((artifacts / "job_events").glob("*.json"))) == len(events)
    summary = json.loads((report / "readiness.json").read_text())["summary"]
    assert (summary["hosts"], summary["ready"]) == (7, 2)
