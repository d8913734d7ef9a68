# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""esus.pec.certificate_deploy on a sandbox PEC folder, through real ansible-playbook runs.

--check on a fresh host, a renewal, wrong modes and an up-to-date host; backups and their retention;
a staging file left by a killed run; a kill -9 of the whole ad hoc run (ansible and the module) while the
module waits for the bytes it stages (a kill -9 of the module at each step of a renewal, with a reader
watching PEC's file: test_deploy_kill_9.py); bytes that do not match the validated checksum; the source
swapped on the controller between its read and the transfer (inotify, a real race, no mock); a password
holding Jinja syntax kept literal with !unsafe.
"""

from __future__ import annotations

import ctypes
import getpass
import grp
import json
import os
import signal
import stat
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.collection import vault_decrypt
from tests.support.deploy import Sandbox, changed, direct_runs, module_runs


@pytest.fixture()
def sandbox(pki, tmp_path):
    box = Sandbox(pki, tmp_path)
    box.use("a")
    return box


def test_check_on_a_fresh_host_reports_the_change_and_makes_nothing(sandbox):
    before = sandbox.snapshot()
    result, saved = sandbox.deploy("--check", "--diff")
    assert result.returncode == 0, result.stdout[-3000:]
    assert changed(result) == 1
    assert saved["changes"] == ["create chaves", "install the certificate"]
    assert sandbox.snapshot() == before and not sandbox.chaves.exists()
    assert "sha1 %s" % saved["checksum"] in result.stdout  # the diff shows metadata, never bytes


def test_deploy_then_nothing_to_do(sandbox):
    result, saved = sandbox.deploy()
    assert result.returncode == 0, result.stdout[-3000:]
    assert (direct_runs(result), module_runs(result)) == (1, 1)  # a look, the plan on the controller, the install
    assert sandbox.dest.read_bytes() == sandbox.plain["a"]
    assert stat.S_IMODE(sandbox.chaves.stat().st_mode) == 0o750
    assert stat.S_IMODE(sandbox.dest.stat().st_mode) == 0o600
    assert sorted(p.name for p in sandbox.chaves.iterdir()) == ["3550308.pfx"]  # no staging file left
    for options in (("--check",), ()):
        again, saved = sandbox.deploy(*options)
        assert changed(again) == 0 and saved["changes"] == [], again.stdout[-2000:]
        assert (direct_runs(again), module_runs(again)) == (1, 0)  # an unchanged host costs one remote command
        assert saved["dest"] == str(sandbox.dest) and saved["others"] == []


def test_check_on_wrong_modes_reports_them_and_a_run_fixes_them(sandbox):
    sandbox.deploy()
    sandbox.chaves.chmod(0o777)
    sandbox.dest.chmod(0o644)
    before = sandbox.snapshot()
    result, saved = sandbox.deploy("--check", "--diff")
    assert changed(result) == 1
    assert saved["changes"] == [
        "set the owner, group and mode of chaves",
        "set the owner, group and mode of the certificate",
    ]
    assert sandbox.snapshot() == before
    result, saved = sandbox.deploy()
    assert changed(result) == 1
    assert stat.S_IMODE(sandbox.chaves.stat().st_mode) == 0o750
    assert stat.S_IMODE(sandbox.dest.stat().st_mode) == 0o600
    assert sandbox.dest.read_bytes() == sandbox.plain["a"]


def test_renewal_check_then_renewals_keep_two_backups(sandbox):
    sandbox.deploy()
    sandbox.use("b")
    before = sandbox.snapshot()
    result, saved = sandbox.deploy("--check", "--diff")
    assert result.returncode == 0, result.stdout[-3000:]
    assert changed(result) == 1 and saved["changes"] == ["replace the certificate (renewal)"]
    assert sandbox.snapshot() == before and not sandbox.backups.exists()
    result, saved = sandbox.deploy()
    assert sandbox.dest.read_bytes() == sandbox.plain["b"]
    assert stat.S_IMODE(sandbox.backups.stat().st_mode) == 0o700
    backup = Path(saved["backup"])
    assert backup.parent == sandbox.backups and backup.read_bytes() == sandbox.plain["a"]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    for name in ("c", "d", "e"):
        time.sleep(1.1)  # backups are named by the second
        sandbox.use(name)
        result, _saved = sandbox.deploy()
        assert result.returncode == 0 and sandbox.dest.read_bytes() == sandbox.plain[name]
    kept = sorted(sandbox.backups.iterdir())
    assert [p.read_bytes() for p in kept] == [sandbox.plain["c"], sandbox.plain["d"]]  # the newest two
    assert sorted(p.name for p in sandbox.chaves.iterdir()) == ["3550308.pfx"]  # PEC lists only this


def test_a_staging_file_left_by_a_killed_run_is_removed(sandbox):
    sandbox.deploy()
    stale = sandbox.chaves / ".esus-pec-staging-0123456789ab"
    stale.write_bytes(b"half a certificate")
    result, saved = sandbox.deploy("--check")
    assert changed(result) == 1 and stale.exists()
    result, saved = sandbox.deploy()
    assert saved["changes"] == ["remove a staging file left by an interrupted run"]
    assert not stale.exists() and sandbox.dest.read_bytes() == sandbox.plain["a"]


def test_a_copy_left_in_the_remote_temp_folder_by_a_killed_run_is_removed(sandbox):
    """ansible-playbook killed after the upload leaves the (encrypted) .pfx in the admin's temp folder on the
    host; the next run that sends a certificate removes such copies older than an hour."""
    sandbox.deploy()
    stale = sandbox.work / "remote_tmp" / "ansible-tmp-1-2-3" / "esus-pec-certificate"
    recent = sandbox.work / "remote_tmp" / "ansible-tmp-4-5-6" / "esus-pec-certificate"
    for path in (stale, recent):
        path.parent.mkdir(parents=True)
        path.write_bytes(sandbox.plain["a"])
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    sandbox.use("b")
    result, _saved = sandbox.deploy()
    assert result.returncode == 0, result.stdout[-3000:]
    assert not stale.exists()
    assert recent.exists()  # maybe a run in progress: left alone


def _module(sandbox, staged: Path, checksum: str, size: int, **extra) -> subprocess.Popen:
    """The host module alone (ad hoc), as the action calls it once the bytes are on the host."""
    arguments = {
        "pec_root": str(sandbox.root),
        "dest_name": "3550308.pfx",
        "checksum": checksum,
        "size": size,
        "staged": str(staged),
        "owner": getpass.getuser(),
        "group": grp.getgrgid(os.getgid()).gr_name,
    }
    arguments.update(extra)
    command = ["ansible", "pec-sandbox", "-i", "pec-sandbox,", "-c", "local", "-m", "esus.pec.chaves_certificate"]
    command += ["-a", json.dumps(arguments), "-e", "ansible_python_interpreter=%s" % sys.executable]
    return subprocess.Popen(
        command, env=sandbox.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def test_bytes_that_do_not_match_the_validated_checksum_leave_the_old_certificate(sandbox):
    import hashlib

    sandbox.deploy()
    sandbox.certificate("b")
    staged = sandbox.work / "staged.pfx"
    damaged = bytearray(sandbox.plain["b"])
    damaged[len(damaged) // 2] ^= 0x01  # one bit flipped in transit
    staged.write_bytes(bytes(damaged))
    process = _module(sandbox, staged, hashlib.sha1(sandbox.plain["b"]).hexdigest(), len(sandbox.plain["b"]))
    output, _ = process.communicate(timeout=120)
    assert process.returncode != 0 and "not the validated" in output, output
    assert "previous certificate, if any, is still in place" in output
    assert sandbox.dest.read_bytes() == sandbox.plain["a"]
    assert sorted(p.name for p in sandbox.chaves.iterdir()) == ["3550308.pfx"]


def test_a_host_changed_since_it_was_observed_is_left_alone(sandbox):
    """The apply step compares chaves and the certificate with what the controller decided on (compare-and-swap):
    a certificate replaced on the host in between (here: the controller saw another SHA-1) stops it untouched."""
    import hashlib

    sandbox.deploy()
    sandbox.certificate("b")
    staged = sandbox.work / "staged.pfx"
    staged.write_bytes(sandbox.plain["b"])
    owned = {"owner": getpass.getuser(), "group": grp.getgrgid(os.getgid()).gr_name}
    seen = {
        "chaves": dict(owned, mode="0750"),
        "dest": dict(
            owned, mode="0600", sha1=hashlib.sha1(sandbox.plain["a"]).hexdigest(), size=len(sandbox.plain["a"])
        ),
    }
    before = sandbox.snapshot()
    checksum = hashlib.sha1(sandbox.plain["b"]).hexdigest()
    for expect in (
        dict(seen, dest=dict(seen["dest"], sha1="0" * 40)),
        dict(seen, chaves=dict(seen["chaves"], mode="0700")),
    ):
        process = _module(
            sandbox, staged, checksum, len(sandbox.plain["b"]), apply=["certificate_file.replace"], expect=expect
        )
        output, _ = process.communicate(timeout=120)
        assert process.returncode != 0 and "changed since it was looked at" in output, output
        assert "Nothing was changed" in output
        assert sandbox.snapshot() == before  # no staging file, no backup, the old certificate
    process = _module(
        sandbox, staged, checksum, len(sandbox.plain["b"]), apply=["certificate_file.replace"], expect=seen
    )
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output
    assert sandbox.dest.read_bytes() == sandbox.plain["b"]


def test_a_host_whose_python_cannot_run_the_direct_look_is_observed_by_the_module(sandbox):
    """No direct answer (here a Python that refuses -I): chaves_certificate looks instead, then applies; an
    unchanged host then costs that look alone."""
    refusing = sandbox.work / "bin" / "python3"
    refusing.parent.mkdir()
    refusing.write_text(
        '#!/bin/sh\nif [ "$1" = "-I" ]; then echo "refusing $1" >&2; exit 3; fi\nexec %s "$@"\n' % sys.executable
    )
    refusing.chmod(0o755)
    sandbox.use_python(str(refusing))
    result, saved = sandbox.deploy()
    assert result.returncode == 0, result.stdout[-3000:]
    assert (direct_runs(result), module_runs(result)) == (1, 2)  # the refused look, the module's look, the install
    assert saved["changes"] == ["create chaves", "install the certificate"]
    assert sandbox.dest.read_bytes() == sandbox.plain["a"]
    again, saved = sandbox.deploy()
    assert changed(again) == 0 and saved["changes"] == []
    assert (direct_runs(again), module_runs(again)) == (1, 1)


def test_kill_9_of_the_whole_run_while_the_module_waits_for_the_bytes_leaves_the_old_one(sandbox):
    """The staging file is made before its bytes are read: a FIFO that nobody writes holds the module there,
    and everything is killed, ansible with it."""
    import hashlib

    sandbox.deploy()
    sandbox.certificate("b")
    fifo = sandbox.work / "staged.fifo"
    os.mkfifo(fifo)
    process = _module(sandbox, fifo, hashlib.sha1(sandbox.plain["b"]).hexdigest(), len(sandbox.plain["b"]))
    deadline = time.monotonic() + 60
    while not list(sandbox.chaves.glob(".esus-pec-staging-*")):
        assert time.monotonic() < deadline and process.poll() is None, "the module never staged"
        time.sleep(0.05)
    killed = _kill_9_everything_running_from(sandbox.work)  # the module itself, in its own session, and ansible
    assert any("AnsiballZ_chaves_certificate" in command for command in killed), killed
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert sandbox.dest.read_bytes() == sandbox.plain["a"]  # PEC still has its certificate
    pec_sees = [p.name for p in sandbox.chaves.iterdir() if p.suffix.lower() in (".pfx", ".p12")]
    assert pec_sees == ["3550308.pfx"]
    result, saved = sandbox.deploy()  # the next run cleans up
    assert result.returncode == 0 and "remove a staging file left by an interrupted run" in saved["changes"]
    assert sorted(p.name for p in sandbox.chaves.iterdir()) == ["3550308.pfx"]


def _kill_9_everything_running_from(work: Path) -> list:
    """SIGKILL every process whose command line names the sandbox (the local connection starts the module in a
    session of its own, so killing ansible's process group would leave the module running)."""
    killed = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(work) in command:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(command)
            except ProcessLookupError:
                pass
    return killed


IN_CLOSE_NOWRITE = 0x10


def _after_first_read(path: Path, then) -> threading.Thread:
    """Call ``then`` right after ``path`` is first closed after a read (Linux inotify, through libc)."""
    libc = ctypes.CDLL(None, use_errno=True)
    descriptor = libc.inotify_init1(os.O_CLOEXEC)
    assert descriptor >= 0 and libc.inotify_add_watch(descriptor, bytes(path), IN_CLOSE_NOWRITE) >= 0

    def watch():
        try:
            data = os.read(descriptor, 4096)
            _wd, mask, _cookie, _length = struct.unpack_from("iIII", data)
            if mask & IN_CLOSE_NOWRITE:
                then()
        finally:
            os.close(descriptor)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_source_swapped_after_it_was_read_is_not_what_gets_installed(sandbox):
    """A colleague drops the next export over the same file while the play runs: the host gets the bytes
    that were validated, never ones read again later (what copy: decrypt: true after a validation did)."""
    sandbox.certificate("b")
    watcher = _after_first_read(sandbox.src, lambda: sandbox.use("b"))
    result, _saved = sandbox.deploy()
    watcher.join(timeout=10)
    assert result.returncode == 0, result.stdout[-3000:]
    assert vault_decrypt(sandbox.src, sandbox.vault) == sandbox.plain["b"]  # the swap did happen
    assert sandbox.dest.read_bytes() == sandbox.plain["a"]  # what was validated is what was installed
    result, _saved = sandbox.deploy()  # the next run validates and installs the new file
    assert sandbox.dest.read_bytes() == sandbox.plain["b"]


def test_nothing_is_written_on_the_controller(sandbox):
    """No decrypted copy under ANSIBLE_LOCAL_TEMP (the bytes go on the connection's stdin), and nothing left
    in the remote temp folder after a run."""
    sandbox.deploy()
    local = [p for p in (sandbox.work / "local_tmp").rglob("*") if p.is_file()]
    assert not [p for p in local if p.read_bytes().find(sandbox.plain["a"][:64]) >= 0]
    assert not [p for p in (sandbox.work / "remote_tmp").rglob("*") if p.is_file()]


def test_the_java_the_host_runs_judges_the_certificate_before_anything_changes(sandbox):
    """PEC up to 5.2 runs on Java 8 (pec.config's jreVersion 1.8.0_x). Before 8u301 it cannot check the SHA-256 MAC
    nor decrypt the AES parts that OpenSSL 3 and cryptography write by default (JDK-8267701). The deploy's look
    reads jreVersion (and no other secret key of that file) and judges the validated bytes again for that Java,
    before anything on the host changes; a Java the inventory names wins."""
    config = sandbox.work / "pec.config"
    database_password = "pec-db-senha-%d" % os.getpid()
    config.write_text(
        json.dumps({"version": "5.2.28", "jreVersion": "1.8.0_292", "databasePassword": database_password})
    )
    before = sandbox.snapshot()
    result, saved = sandbox.deploy("-e", "pec_config=%s" % config)
    assert result.returncode != 0 and saved == {}, result.stdout[-3000:]
    assert "JDK-8267701" in result.stdout and "Java 8 before 8u301" in result.stdout
    assert "Nothing was changed on the host" in result.stdout
    assert sandbox.snapshot() == before and not sandbox.chaves.exists()
    assert database_password not in result.stdout + result.stderr
    # a PEC whose Java was updated to 8u301 checks the MAC: that host's own jreVersion lets the file through
    config.write_text(json.dumps({"version": "5.2.28", "jreVersion": "1.8.0_301"}))
    result, saved = sandbox.deploy("-e", "pec_config=%s" % config)
    assert result.returncode == 0, result.stdout[-3000:]
    assert saved["java"] == {"rules": "8u301", "label": "Java 8 (8u301 or later)", "given": "1.8.0_301"}
    assert sandbox.dest.read_bytes() == sandbox.plain["a"]
    # the Java named in the inventory is the one used, whatever pec.config says
    sandbox.use("b")
    config.write_text(json.dumps({"jreVersion": "1.8.0_292"}))
    result, saved = sandbox.deploy("-e", "pec_config=%s" % config, "-e", "java=17")
    assert result.returncode == 0 and saved["java"] == {"rules": "17", "label": "Java 17", "given": "17"}
    assert sandbox.dest.read_bytes() == sandbox.plain["b"]


def test_a_backup_left_this_second_by_a_killed_run_is_pruned_all_the_same(sandbox):
    """A run killed between its backup link and its pruning leaves a link named for this second; a run in the same
    second finds the name taken by that very file and must still prune (it returned early: three backups kept where
    two were asked). The module's clock is frozen at one second (a sitecustomize on its Python's path, so the second
    cannot roll over between the two runs)."""
    sandbox.deploy()
    frozen = sandbox.work / "frozen-clock"
    frozen.mkdir()
    (frozen / "sitecustomize.py").write_text(
        "import time\n_gmtime = time.gmtime\ntime.gmtime = lambda *_: _gmtime(1796000000)\n"
    )
    wrapper = sandbox.work / "python-frozen-clock"
    wrapper.write_text('#!/bin/sh\nPYTHONPATH=%s exec %s "$@"\n' % (frozen, sys.executable))
    wrapper.chmod(0o755)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(1796000000))
    sandbox.backups.mkdir(mode=0o700, exist_ok=True)
    for older in ("20250101T000000Z", "20250201T000000Z"):  # two earlier backups, as retention 2 leaves them
        (sandbox.backups / ("3550308.pfx.%s~" % older)).write_bytes(b"an older certificate")
    os.link(sandbox.dest, sandbox.backups / ("3550308.pfx.%s~" % stamp))  # what the killed run linked
    sandbox.use("b")
    sandbox.use_python(str(wrapper))
    result, _saved = sandbox.deploy()
    assert result.returncode == 0, result.stdout[-3000:]
    assert sandbox.dest.read_bytes() == sandbox.plain["b"]
    assert sorted(p.name for p in sandbox.backups.iterdir()) == [
        "3550308.pfx.20250201T000000Z~",
        "3550308.pfx.%s~" % stamp,
    ]
    assert (sandbox.backups / ("3550308.pfx.%s~" % stamp)).read_bytes() == sandbox.plain["a"]
