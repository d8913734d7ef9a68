# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The weekly audit's schedule as shipped: extras/systemd's timer and service, extras/cron's line.

``systemd-analyze verify`` accepts the units (and refuses broken copies); the timer fires on Mondays at 06:00.
No systemd runs here as PID 1, so the service's command is run as systemd would run it: its ExecStart= with its
Environment= lines, read from the unit, the fixed paths moved under the test's folder (the venv, the collection,
the inventory, the state folder, the credentials directory %d). The cron line is run the same way through
/bin/sh. Each: audits a sandbox PEC server whose password is vaulted (report in the fixed folder), exits 75 at
once while another run holds the lock, exits non-zero when the run itself breaks (a wrong vault password, no
inventory), and exits 0 when a PEC server is unreachable (a finding the report shows, not a broken run).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.audit import sandbox_pec
from tests.support.collection import REPO, ansible_env, collections_path, vault_encrypt
from tests.support.pki import cnpj

pytestmark = pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")

SYSTEMD = REPO / "extras" / "systemd"
UNITS = [SYSTEMD / "esus-pec-readiness.service", SYSTEMD / "esus-pec-readiness.timer"]
CRON = REPO / "extras" / "cron" / "esus-pec-readiness"
CNPJ = cnpj("252525250003")
PASSWORD = "Schedule-25"
VAULT_PASSWORD = "vault-of-the-schedule-test"


def verify(*units: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True, check=False, timeout=120
    )


def test_the_shipped_units_verify_clean():
    result = verify(*UNITS)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_timer_fires_on_mondays_at_six():
    timer = UNITS[1].read_text()
    calendar = re.search(r"^OnCalendar=(.+)$", timer, re.M).group(1)
    result = subprocess.run(
        ["systemd-analyze", "calendar", "--iterations=3", calendar], capture_output=True, text=True, check=True
    )
    elapses = re.findall(r"(?:Next elapse|Iter\. #\d+): (\w{3}) \d{4}-\d\d-\d\d (\d\d:\d\d:\d\d)", result.stdout)
    assert elapses == [("Mon", "06:00:00")] * 3, result.stdout


@pytest.mark.parametrize(
    "unit, old, new, said",
    [
        ("esus-pec-readiness.timer", "OnCalendar=", "OnCalender=", "Unknown key 'OnCalender'"),
        ("esus-pec-readiness.service", "/usr/bin/flock", "/usr/bin/flok", "/usr/bin/flok is not executable"),
        ("esus-pec-readiness.service", "Type=oneshot", "Type=one-shot", "Failed to parse service type"),
    ],
)
def test_a_broken_unit_is_refused(tmp_path, unit, old, new, said):
    for shipped in UNITS:
        (tmp_path / shipped.name).write_text(
            shipped.read_text().replace(old, new) if shipped.name == unit else shipped.read_text()
        )
    result = verify(*(tmp_path / u.name for u in UNITS))
    assert said in result.stdout + result.stderr  # a warning or an error: the shipped units give neither


def unit_settings(path: Path) -> dict:
    """{key: [values]} of a unit file, continuation lines joined (systemd's own syntax, as much as used here)."""
    settings: dict = {}
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    for line in text.splitlines():
        if line.strip() and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


@pytest.fixture(scope="module")
def controller(pki, tmp_path_factory):
    """The controller's fixed folders, under a test folder: a sandbox PEC server in the inventory with its
    certificate password vaulted, the vault password in the credentials folder."""
    base = tmp_path_factory.mktemp("schedule")
    root, host = sandbox_pec(pki, base / "pec", CNPJ, PASSWORD, "schedule")
    inventory = base / "etc" / "inventario"
    (inventory / "host_vars" / "pec-schedule").mkdir(parents=True)
    (inventory / "hosts.json").write_text(json.dumps({"pec_servers": {"hosts": {"pec-schedule": None}}}))
    (inventory / "host_vars" / "pec-schedule" / "main.json").write_text(
        json.dumps(
            {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                "esus_pec_become": False,
                "rnds_certificate_pec_root": str(root),
                "rnds_certificate_owner": host["owner"],
                "rnds_certificate_group": host["group"],
                "rnds_certificate_expected_cnpj": CNPJ,
                "rnds_readiness_fact_path": host["fact_path"],
                "rnds_readiness_check_network": False,
            }
        )
    )
    credentials = base / "credentials"
    credentials.mkdir(mode=0o700)
    (credentials / "vault-password").write_text(VAULT_PASSWORD + "\n")
    (credentials / "vault-password").chmod(0o600)
    secret = inventory / "host_vars" / "pec-schedule" / "vault.yml"
    secret.write_text("rnds_certificate_password: %s\n" % PASSWORD)
    vault_encrypt(secret, credentials / "vault-password", ansible_env())
    state = base / "var-lib"
    state.mkdir()
    paths = {  # the shipped paths, longest first, and where they are in this test
        "/etc/esus-pec/vault-password": str(credentials / "vault-password"),
        "/opt/esus-pec/venv/bin/ansible-playbook": shutil.which("ansible-playbook"),
        "/opt/esus-pec/collections": str(collections_path()),
        "/etc/esus-pec/inventario": str(inventory),
        "/var/lib/esus-pec": str(state),
        "%d": str(credentials),
    }
    return {"paths": paths, "state": state, "inventory": inventory, "credentials": credentials}


def moved(text: str, paths: dict) -> str:
    for shipped, here in paths.items():
        text = text.replace(shipped, here)
    return text


def service_command(controller: dict) -> tuple[list, dict]:
    """(argv, environment) of the service's ExecStart=, as systemd would start it."""
    settings = unit_settings(UNITS[0])
    (command,) = settings["ExecStart"]
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    for assignment in settings["Environment"]:
        key, _, value = moved(assignment, controller["paths"]).partition("=")
        env[key] = value
    return shlex.split(moved(command, controller["paths"])), env


def cron_command(controller: dict) -> tuple[list, dict]:
    """(argv, environment) of the cron line, run by /bin/sh as cron runs it (user field dropped)."""
    (line,) = [li for li in CRON.read_text().splitlines() if re.match(r"^[0-9*]", li)]
    command = line.split(None, 6)[6]
    return ["/bin/sh", "-c", moved(command, controller["paths"])], {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}


COMMANDS = {"systemd service": service_command, "cron line": cron_command}


def run(how: str, controller: dict, **changes: str) -> subprocess.CompletedProcess:
    argv, env = COMMANDS[how](controller)
    env.update(changes)
    return subprocess.run(argv, env=env, cwd=controller["state"], capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("how", sorted(COMMANDS))
def test_the_scheduled_run_audits_into_the_fixed_folder(controller, how):
    report = controller["state"] / "relatorio" / "readiness.json"
    report.unlink(missing_ok=True)
    result = run(how, controller)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    hosts = json.loads(report.read_text())["hosts"]
    assert [(h["host"], h["ready"]) for h in hosts] == [("pec-schedule", True)]
    assert PASSWORD not in result.stdout + result.stderr


@pytest.mark.parametrize("how", sorted(COMMANDS))
def test_a_run_that_finds_the_lock_taken_exits_75_at_once(controller, how):
    with open(controller["state"] / "readiness.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = run(how, controller)
    assert (result.returncode, result.stdout) == (75, "")


@pytest.mark.parametrize("how", sorted(COMMANDS))
def test_a_wrong_vault_password_breaks_the_run(controller, how):
    password_file = controller["credentials"] / "vault-password"
    password_file.write_text("not-the-vault-password\n")
    try:
        result = run(how, controller)
    finally:
        password_file.write_text(VAULT_PASSWORD + "\n")
    assert result.returncode == 1, result.stdout[-2000:]  # ansible-playbook itself exits 4 here
    assert "Decryption failed" in result.stderr
    assert "exited 4 (hosts unreachable) but reported an error: the run broke" in result.stderr


@pytest.mark.parametrize("how", sorted(COMMANDS))
def test_a_missing_inventory_breaks_the_run(controller, how):
    """ansible-playbook alone runs on no host and exits 0; ANSIBLE_INVENTORY_UNPARSED_FAILED makes it an error."""
    gone = controller["inventory"].with_name("inventario-moved")
    controller["inventory"].rename(gone)
    try:
        result = run(how, controller)
    finally:
        gone.rename(controller["inventory"])
    assert result.returncode not in (0, 4, 75), result.stdout[-2000:]


@pytest.mark.parametrize("how", sorted(COMMANDS))
def test_an_unreachable_host_is_a_finding_not_a_broken_run(controller, how):
    """ansible-playbook exits 4; the scheduled run exits 0 and the report says the host was not audited."""
    hosts = controller["inventory"] / "hosts.json"
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        unreachable = {"ansible_connection": "ssh", "ansible_host": "127.0.0.1", "ansible_port": port}
        hosts.write_text(json.dumps({"pec_servers": {"hosts": {"pec-schedule": None, "pec-down": unreachable}}}))
        try:
            result = run(how, controller)
        finally:
            hosts.write_text(json.dumps({"pec_servers": {"hosts": {"pec-schedule": None}}}))
    assert result.returncode == 0, result.stdout[-2000:]
    assert "UNREACHABLE!" in result.stdout
    report = json.loads((controller["state"] / "relatorio" / "readiness.json").read_text())
    assert {h["host"]: h["ready"] for h in report["hosts"]} == {"pec-down": None, "pec-schedule": True}


@pytest.mark.parametrize("how", sorted(COMMANDS))
def test_a_vault_password_file_others_may_read_stops_the_run(controller, how):
    password_file = controller["credentials"] / "vault-password"
    report = controller["state"] / "relatorio" / "readiness.json"
    report.unlink(missing_ok=True)
    password_file.chmod(0o644)
    try:
        result = run(how, controller)
    finally:
        password_file.chmod(0o600)
    assert result.returncode == 1 and result.stdout == ""
    assert "is mode 644, readable by others than its owner: chmod 0400" in result.stderr
    assert not report.exists()
