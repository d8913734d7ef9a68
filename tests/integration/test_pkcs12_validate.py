# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""esus.pec.pkcs12_validate through real ansible-playbook runs, both faces, at -vvvv.

One playbook run checks every case twice: the module on the host (``path``, local connection)
and the action on the controller (``src``, the same file ansible-vault encrypted). Each task
keeps ``fail_on_invalid`` at its default and ignores errors, so the run also proves which
verdicts fail the task. The whole -vvvv output is then searched for passwords and key bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.collection import ansible_env, run_playbook, vault_encrypt
from tests.support.leaks import key_material, leaks
from tests.support.pki import CASE_CNPJ as CNPJ
from tests.support.pki import standard_cases

HERE = Path(__file__).resolve().parent
USABLE = {"ok", "expiring"}


def _vault(plain: Path, vault_password_file: Path, env: dict) -> Path:
    return vault_encrypt(plain, vault_password_file, env, output=plain.with_name(plain.name + ".vault"))


@pytest.fixture(scope="module")
def run(pki, tmp_path_factory):
    """Run the playbook once at -vvvv; return (cases, results per face, full output, work dir)."""
    work = tmp_path_factory.mktemp("play")
    env = ansible_env(ANSIBLE_LOCAL_TEMP=str(work / "local_tmp"), ANSIBLE_REMOTE_TMP=str(work / "remote_tmp"))
    vault_password = work / "vault-pass"
    vault_password.write_text("vault-secret-for-tests\n")
    vault_password.chmod(0o600)
    cases = standard_cases(pki)
    for case in cases.values():
        path = Path(case["file"])
        case["src"] = str(_vault(path, vault_password, env)) if path.exists() else case["file"]
    # the vars file is the only place passwords are written; tasks loop over names, never over secrets
    (work / "cases.json").write_text(json.dumps({"cases": cases}, ensure_ascii=False))
    (work / "inventory.ini").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable
    )
    result = run_playbook(
        HERE / "playbooks" / "pkcs12_validate.yml",
        work / "inventory.ini",
        env,
        "-vvvv",
        "--vault-password-file",
        str(vault_password),
        "-e",
        "@" + str(work / "cases.json"),
        "-e",
        "out_dir=%s" % work,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    faces = {face: json.loads((work / ("%s.json" % face)).read_text()) for face in ("module", "action")}
    return cases, faces, output, work


@pytest.mark.parametrize("face", ["module", "action"])
@pytest.mark.parametrize(
    "name",
    [
        "ok_aes",
        "ok_3des",
        "ok_rc2",
        "ok_empty_password",
        "expiring",
        "expired",
        "not_yet_valid",
        "wrong_password",
        "certificate_only",
        "no_private_key",
        "key_mismatch",
        "identity_mismatch",
        "not_pkcs12",
        "corrupt",
        "missing",
    ],
)
def test_verdict_through_both_faces(run, face, name):
    cases, faces, _output, _work = run
    result = faces[face][name]
    expected = cases[name]["verdict"]
    assert result["verdict"] == expected, result.get("msg")
    assert result["valid"] is (expected in USABLE)
    assert result.get("failed", False) is (expected not in USABLE), "fail_on_invalid must fail unusable verdicts"
    assert result["changed"] is False
    assert result["msg"]
    if expected not in USABLE and expected != "missing":
        assert Path(cases[name]["file"]).name in result["msg"]


def test_action_reports_vault_and_checksum(run):
    cases, faces, _output, _work = run
    import hashlib

    result = faces["action"]["ok_aes"]
    assert result["src_vaulted"] is True
    assert result["checksum"] == hashlib.sha1(Path(cases["ok_aes"]["file"]).read_bytes()).hexdigest()
    assert faces["module"]["ok_aes"]["checksum"] == result["checksum"]
    assert result["certificate"]["cnpj"] == CNPJ
    assert "host localhost" in faces["action"]["wrong_password"]["msg"]


def test_expiring_warns(run):
    """Ansible shows (and then drops) a result's warnings: expiring must reach the operator's screen."""
    _cases, _faces, output, _work = run
    warnings = [line for line in output.splitlines() if line.startswith("[WARNING]")]
    assert len([line for line in warnings if "expiring.pfx" in line and "valid, but expires on" in line]) == 2


def test_no_secret_in_output_at_vvvv(run, pki):
    """Neither a password nor any private key bytes appear anywhere in the -vvvv output."""
    cases, _faces, output, work = run
    assert "-vvvv" in output or "ansible-playbook [core" in output
    assert "localhost" in output and "esus.pec.pkcs12_validate" in output
    secrets = [case["password"] for case in cases.values() if case["password"]]
    secrets.append("vault-secret-for-tests")
    secrets += key_material(pki._keys.values())
    assert not leaks(output, secrets), "secret material in the -vvvv output: %d item(s)" % len(leaks(output, secrets))
    for face in ("module", "action"):
        assert not leaks((work / ("%s.json" % face)).read_text(), secrets)


def test_no_temp_files_left(run):
    _cases, _faces, _output, work = run
    leftovers = [p for p in (work / "remote_tmp").rglob("*") if p.is_file()]
    leftovers += [p for p in (work / "local_tmp").rglob("*") if p.is_file()]
    assert not leftovers, leftovers


def test_unsupported_encryption_through_both_faces(pki, tmp_path):
    """OpenSSL's legacy provider switched off (as on a hardened controller): right password is not 'wrong'."""
    key, cert = pki.leaf()
    rc2 = pki.pfx("legacy-only.pfx", key, cert, "pw-rc2", encryption="rc2")
    env = ansible_env(
        CRYPTOGRAPHY_OPENSSL_NO_LEGACY="1",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "lt"),
        ANSIBLE_REMOTE_TMP=str(tmp_path / "rt"),
    )
    vault_password = tmp_path / "vp"
    vault_password.write_text("x-vault\n")
    cases = {
        "legacy": {"file": str(rc2), "src": str(_vault(rc2, vault_password, env)), "password": "pw-rc2", "options": {}},
        "legacy_wrong": {"file": str(rc2), "src": str(rc2) + ".vault", "password": "bad", "options": {}},
    }
    (tmp_path / "cases.json").write_text(json.dumps({"cases": cases}))
    (tmp_path / "inv.ini").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable
    )
    result = run_playbook(
        HERE / "playbooks" / "pkcs12_validate.yml",
        tmp_path / "inv.ini",
        env,
        "--vault-password-file",
        str(vault_password),
        "-e",
        "@" + str(tmp_path / "cases.json"),
        "-e",
        "out_dir=%s" % tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    for face in ("module", "action"):
        results = json.loads((tmp_path / ("%s.json" % face)).read_text())
        assert results["legacy"]["verdict"] == "unsupported_encryption", results["legacy"]["msg"]
        assert "legacy provider" in results["legacy"]["msg"]
        assert results["legacy_wrong"]["verdict"] == "wrong_password"


def test_bad_options_fail_before_reading(pki, tmp_path):
    env = ansible_env()
    (tmp_path / "inv.ini").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable
    )
    result = subprocess.run(
        [
            "ansible",
            "localhost",
            "-i",
            str(tmp_path / "inv.ini"),
            "-m",
            "esus.pec.pkcs12_validate",
            "-a",
            "src=/nonexistent.pfx expected_cnpj=12.345.678/0001-00",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "check digits" in result.stdout
    assert os.path.exists("/nonexistent.pfx") is False


def _ad_hoc(tmp_path, arguments: str) -> subprocess.CompletedProcess:
    inventory = tmp_path / "inv.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    command = ["ansible", "localhost", "-i", str(inventory), "-m", "esus.pec.pkcs12_validate", "-a", arguments]
    return subprocess.run(command, env=ansible_env(), capture_output=True, text=True, timeout=120, check=False)


def test_a_folder_given_as_src_or_path_is_named_as_such(tmp_path):
    """Not 'cannot be decrypted with the vault secrets' (a wrong_password verdict) for a folder."""
    folder = tmp_path / "certificados"
    folder.mkdir()
    for option in ("src", "path"):
        result = _ad_hoc(tmp_path, "%s=%s password=x" % (option, folder))
        assert result.returncode != 0, result.stdout
        assert "is a folder, not a certificate file" in result.stdout, result.stdout
        assert '"verdict": "not_pkcs12"' in result.stdout, result.stdout
        assert "vault secrets" not in result.stdout


def test_a_fifo_as_path_fails_at_once_instead_of_blocking(tmp_path):
    """A named pipe nobody writes to would block a plain open()/read() forever."""
    fifo = tmp_path / "certificado.pfx"
    os.mkfifo(fifo)
    result = _ad_hoc(tmp_path, "path=%s password=x" % fifo)  # the 120 s timeout is the hang detector
    assert result.returncode != 0
    assert "is a named pipe (FIFO), not a certificate file" in result.stdout, result.stdout
