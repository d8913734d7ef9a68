# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A private sshd on 127.0.0.1 and non-root admins with sudo: how state teams reach PEC servers.

The admin (``pecadmin``) logs in with a key made for the run and becomes root with sudo, as the e-SUS manual
does it ("sudo mkdir chaves"). A second admin (``pecsudo``) has a sudo that asks for their password, as many
servers are set up (``--ask-become-pass``, ``ansible_become_password``). Needs root (to add the users and run
sshd) and the Debian packages openssh-server and sudo (scripts/test.sh installs them). Listens on loopback only.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

USER = "pecadmin"
PASSWORD_USER = "pecsudo"
PASSWORD_USER_SECRET = "Sudo-pecsudo-1 $(id);|"
SUDOERS = Path("/etc/sudoers.d/esus-pec-tests")


def why_not() -> str | None:
    """Why this machine cannot run the SSH tests, or None."""
    if os.geteuid() != 0:
        return "needs root (adds the %s user and starts sshd on 127.0.0.1)" % USER
    for command in ("/usr/sbin/sshd", "ssh-keygen", "sudo"):
        if not shutil.which(command):
            return "%s is missing: apt-get install openssh-server sudo (scripts/test.sh does)" % command
    return None


def _admin(user: str, public_key: str, password: str | None = None) -> None:
    try:
        pwd.getpwnam(user)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", user], check=True)
    if password is None:  # no password at all ("*"), but not a locked account ("!"), which sshd refuses for a key
        subprocess.run(["usermod", "--password", "*", user], check=True)
    else:  # on stdin, never in a process argument
        subprocess.run(["chpasswd"], input="%s:%s\n" % (user, password), text=True, check=True)
    home = Path(pwd.getpwnam(user).pw_dir)
    ssh = home / ".ssh"
    ssh.mkdir(mode=0o700, exist_ok=True)
    keys = ssh / "authorized_keys"
    lines = keys.read_text().splitlines() if keys.exists() else []
    if public_key not in lines:
        keys.write_text("\n".join([*lines, public_key]) + "\n")
    entry = pwd.getpwnam(user)
    for path in (ssh, keys):
        os.chown(path, entry.pw_uid, entry.pw_gid)
    keys.chmod(0o600)


def _sudoers() -> None:
    SUDOERS.write_text("%s ALL=(ALL) NOPASSWD: ALL\n%s ALL=(ALL) ALL\n" % (USER, PASSWORD_USER))
    SUDOERS.chmod(0o440)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def loopback_sshd(work: Path):
    """Yield {host, port, user, key, ssh_args, password_user, become_password}; sshd is stopped on exit.
    ``password_user`` logs in with the same key; their sudo asks for ``become_password``."""
    work.mkdir(parents=True, exist_ok=True)
    key = work / "admin_key"
    host_key = work / "host_key"
    for path in (key, host_key):
        if not path.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    public_key = (work / "admin_key.pub").read_text().strip()
    _admin(USER, public_key)
    _admin(PASSWORD_USER, public_key, PASSWORD_USER_SECRET)
    _sudoers()
    port = _free_port()
    config = work / "sshd_config"
    config.write_text(
        "\n".join(
            [
                "Port %d" % port,
                "ListenAddress 127.0.0.1",
                "HostKey %s" % host_key,
                "PidFile %s" % (work / "sshd.pid"),
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "AllowUsers %s %s" % (USER, PASSWORD_USER),
                "UsePAM no",
                "MaxStartups 100:30:200",
                "MaxSessions 100",
                "Subsystem sftp internal-sftp",
                "",
            ]
        )
    )
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation directory
    log = open(work / "sshd.log", "ab")  # noqa: SIM115 - closed below
    daemon = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(config)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("sshd did not start: %s" % (work / "sshd.log").read_text()[-2000:])
            time.sleep(0.1)
        yield {
            "host": "127.0.0.1",
            "port": port,
            "user": USER,
            "key": str(key),
            "ssh_args": "-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o IdentitiesOnly=yes",
            "password_user": PASSWORD_USER,
            "become_password": PASSWORD_USER_SECRET,
        }
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
        log.close()
