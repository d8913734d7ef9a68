# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""kill -9 of the Linux deploy's host module at each step of a renewal, while a reader watches PEC's file.

A sandbox PEC holds certificate "a" and an older backup; a real ansible-playbook run deploys "b" with
backups: 1, so the renewal writes a staging file, fsyncs it, links "a" into the backups, prunes the older
backup, renames "b" over "a" and fsyncs chaves. The sandbox host's Python is a wrapper that runs the install
call of esus.pec.chaves_certificate (the one given the staged bytes) under ``strace --inject=SYSCALL:
signal=KILL:when=N``: the kernel kills the module on entering that syscall, before it runs.

N is learnt from one run traced without injection (``targets``): the module's syscalls are numbered per name,
as strace counts them, and each step is found by its paths (``-y`` names the file behind a descriptor).
``-P PATH`` cannot select them (it matches exact paths and the staging name is random), and
``--seccomp-bpf`` is not used: with it strace 6.1 silently injects nothing. Each test asserts that strace
killed the module on the targeted syscall, so no test passes because nothing was killed.

Throughout the killed run and the two after it, another process (tests/support/pec_reader.py) reads PEC's file
whole as fast as it can and lists chaves as PEC does: the file is always "a" or "b" whole (never absent,
partial or mixed, never back to "a" once "b"), and PEC lists that one file. After the kill, the next normal
run repairs what was left (the renewal finished, the staging file removed, one backup: "a"), and a further run
changes nothing.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.collection import REPO
from tests.support.deploy import DEST_NAME, Sandbox, changed, direct_runs, module_runs

OLDER_BACKUP = DEST_NAME + ".20250101T000000Z~"
OLDER = b"the certificate before a"  # its bytes do not matter: it is pruned
SYSCALLS = "write pwrite64 writev fsync fdatasync link linkat unlink unlinkat rename renameat renameat2"
TRACED = ",".join("?" + name for name in SYSCALLS.split())  # "?": not an error where one does not exist (arm64)

# Each step of a renewal, in order, by the strace line (after the pid) of the syscall that starts it.
# {chaves}, {dest} and {backups} are the sandbox's paths.
STEPS = {
    "staging write": r"write\(\d+<{chaves}/[^>]+>",  # the bytes, into a file of chaves
    "staging fsync": r"f(data)?sync\(\d+<{chaves}/[^>]+>\)",
    "backup link": r"link(at)?\(.*\"{dest}\", .*\"{backups}/",
    "pruning": r"unlink(at)?\(.*\"({backups}/)?%s\"" % re.escape(OLDER_BACKUP),
    "rename": r"rename(at2?)?\(.*\"{dest}\"",
    "chaves fsync": r"f(data)?sync\(\d+<{chaves}>\)",
}
BEFORE_THE_RENAME = ("staging write", "staging fsync", "backup link", "pruning", "rename")

# What a kill at each step leaves: PEC's file, the staging file (None: none), the backups (oldest first).
LEFT = {
    "staging write": ("a", "empty", ["older"]),
    "staging fsync": ("a", "b", ["older"]),
    "backup link": ("a", "b", ["older"]),
    "pruning": ("a", "b", ["older", "a"]),
    "rename": ("a", "b", ["a"]),
    "chaves fsync": ("b", None, ["a"]),
}
KILLED = "+++ killed by SIGKILL +++"


@pytest.fixture(scope="module", autouse=True)
def strace_installed() -> None:
    if shutil.which("strace") is None:
        message = "strace is not installed (scripts/lib.sh esus_need_commands installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def deployed(pki, tmp_path_factory) -> Sandbox:
    """A sandbox PEC where a real run deployed "a" and an older backup is kept; certificate "b" is made."""
    box = Sandbox(pki, tmp_path_factory.mktemp("deployed"), backups=1)
    box.use("a")
    result, _saved = box.deploy()
    assert result.returncode == 0 and box.dest.read_bytes() == box.plain["a"], result.stdout[-3000:]
    box.backups.mkdir(mode=0o700, exist_ok=True)
    (box.backups / OLDER_BACKUP).write_bytes(OLDER)
    box.certificate("b")
    return box


def renewal(deployed: Sandbox, work: Path) -> Sandbox:
    """A copy of ``deployed`` in ``work`` whose source is now "b" (a copy costs less than a deploy)."""
    box = Sandbox(deployed.pki, work, backups=1)
    box.env["TMPDIR"] = str(work / "tmp")  # where a killed AnsiballZ leaves its payload folder
    (work / "tmp").mkdir()
    shutil.copytree(deployed.root, box.root, dirs_exist_ok=True)  # modes kept, owner is ours
    for name in ("a", "b"):
        shutil.copy(deployed.work / ("%s.vault" % name), work)
    box.plain, box.keys = dict(deployed.plain), list(deployed.keys)
    box.use("b")
    return box


def traced_python(box: Sandbox, inject: str = "") -> Path:
    """A host Python for the sandbox that runs the install call under strace (log: strace.log)."""
    options = ["-f", "-y", "-s", "0", "-o", str(box.work / "strace.log"), "-e", "trace=" + TRACED]
    options += ["--inject=" + inject] if inject else []
    python = shlex.quote(sys.executable)
    wrapper = box.work / "python"
    wrapper.write_text(
        "#!/bin/sh\n"
        'case "$1" in\n'
        "*/AnsiballZ_chaves_certificate.py)\n"
        '    if grep -q \'"staged": "/\' "$1"; then\n'
        "        export PYTHONDONTWRITEBYTECODE=1  # no .pyc written: the same syscalls in every run\n"
        '        exec strace %s -- %s "$@"\n'
        "    fi\n"
        "    ;;\n"
        "esac\n"
        'exec %s "$@"\n' % (shlex.join(options), python, python)
    )
    wrapper.chmod(0o755)
    return wrapper


def step_patterns(box: Sandbox) -> dict:
    """STEPS with the sandbox's paths: step -> compiled pattern."""
    patterns = {}
    for step, pattern in STEPS.items():
        for name, path in (("chaves", box.chaves), ("dest", box.dest), ("backups", box.backups)):
            pattern = pattern.replace("{%s}" % name, re.escape(str(path)))
        patterns[step] = re.compile(pattern)
    return patterns


def trace(box: Sandbox) -> list:
    """strace.log as (pid, text) lines."""
    lines = []
    for line in (box.work / "strace.log").read_text().splitlines():
        pid, _sep, text = line.partition(" ")
        lines.append((pid, text.strip()))
    return lines


def numbered_steps(box: Sandbox) -> list:
    """The steps found in a traced run, in order, as (step, syscall, its number among the process's calls of
    that syscall, as strace counts for when=N)."""
    patterns, counts, found = step_patterns(box), collections.Counter(), []
    for pid, text in trace(box):
        call = re.match(r"(\w+)\(", text)
        if not call:
            continue
        counts[pid, call[1]] += 1
        found += [(step, call[1], counts[pid, call[1]]) for step, p in patterns.items() if p.match(text)]
    return found


def killed_on(box: Sandbox) -> str:
    """The syscall on which strace killed the traced module (its only process killed)."""
    lines = trace(box)
    killed = [pid for pid, text in lines if text == KILLED]
    assert len(killed) == 1, "strace killed %d processes:\n%s" % (len(killed), "\n".join(t for _p, t in lines[-20:]))
    calls = [text for pid, text in lines if pid == killed[0] and not text.startswith(("+++", "---"))]
    return calls[-1]


def version(data: bytes | None, box: Sandbox) -> str:
    """Which certificate ``data`` is, whole: a, b, older, empty, absent, or partial or mixed."""
    if data is None:
        return "absent"
    named = {box.plain.get("a"): "a", box.plain.get("b"): "b", OLDER: "older", b"": "empty"}
    return named.get(data, "partial or mixed (%d bytes)" % len(data))


class Reader:
    """tests/support/pec_reader.py on PEC's file during the with block; then ``seen`` (the versions read, each
    change once: "a", "b", "absent" or "other (N bytes)") and ``reads``. Leaving the block fails, even when an
    assertion inside failed first, if PEC's file was ever anything but "a" or "b" whole, or PEC listed anything
    but that file in chaves: what PEC saw matters more than what a kill left."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box

    def __enter__(self) -> Reader:
        known = [self.box.pki.dir / ("deploy-%s.pfx" % name) for name in ("a", "b")]
        command = [sys.executable, "-m", "tests.support.pec_reader", str(self.box.dest), *map(str, known)]
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline() == "reading\n"
        return self

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        output, _ = self.process.communicate(timeout=30)
        found = json.loads(output)
        self.seen = [{0: "a", 1: "b"}.get(now, now) for now in found["seen"]]
        self.reads = found["reads"]
        whole = set(self.seen) <= {"a", "b"}
        assert whole and not found["wrong"], "PEC read %s; PEC listed (times): %s" % (self.seen, found["wrong"])


def left(box: Sandbox) -> tuple:
    """PEC's file, the staging file and the backups, as LEFT names them."""
    staging = sorted(box.chaves.glob(".esus-pec-staging-*"))
    assert len(staging) <= 1, staging
    backups = sorted(box.backups.iterdir())
    return (
        version(box.dest.read_bytes() if box.dest.exists() else None, box),
        version(staging[0].read_bytes(), box) if staging else None,
        [version(path.read_bytes(), box) for path in backups],
    )


@pytest.fixture(scope="module")
def traced(deployed, tmp_path_factory) -> Sandbox:
    """The renewal, run once under strace without injection."""
    box = renewal(deployed, tmp_path_factory.mktemp("traced"))
    box.use_python(str(traced_python(box)))
    result, saved = box.deploy()
    assert result.returncode == 0 and saved["changes"] == ["replace the certificate (renewal)"], result.stdout[-3000:]
    return box


@pytest.fixture(scope="module")
def targets(traced) -> dict:
    """step -> (syscall, N), from the traced renewal."""
    found = {step: (syscall, number) for step, syscall, number in numbered_steps(traced)}
    assert set(found) == set(STEPS), "steps not found in the trace:\n%s" % "\n".join(t for _p, t in trace(traced))
    return found


def test_a_renewal_goes_through_each_step_once_in_order(traced):
    assert [step for step, _syscall, _number in numbered_steps(traced)] == list(STEPS)
    assert left(traced) == ("b", None, ["a"])  # and the backup kept is the replaced certificate


@pytest.mark.parametrize("step", list(STEPS))
def test_kill_9_at_a_step_of_a_renewal_leaves_a_or_b_whole_and_the_next_run_repairs(step, targets, deployed, tmp_path):
    box = renewal(deployed, tmp_path)
    syscall, number = targets[step]
    box.use_python(str(traced_python(box, "%s:signal=KILL:when=%d" % (syscall, number))))
    with Reader(box) as reader:
        result, _saved = box.deploy()
        assert result.returncode == 2 and '"rc": 137' in result.stdout, result.stdout[-3000:]  # 128 + SIGKILL
        call = killed_on(box)
        assert step_patterns(box)[step].match(call) and call.endswith("= ?"), call  # killed on entering it
        assert left(box) == LEFT[step]
        assert not [p for p in (box.work / "remote_tmp").rglob("*") if p.is_file()]  # the action cleaned up

        box.use_python(sys.executable)
        result, saved = box.deploy()  # the next normal run repairs
        assert result.returncode == 0, result.stdout[-3000:]
        if step in BEFORE_THE_RENAME:
            assert saved["changes"] == [
                "replace the certificate (renewal)",
                "remove a staging file left by an interrupted run",
            ]
        else:
            assert changed(result) == 0 and saved["changes"] == []
        assert left(box) == ("b", None, ["a"])  # the new one in place, the backups within retention

        before = box.snapshot()
        result, saved = box.deploy()  # and a further run changes nothing
        assert changed(result) == 0 and saved["changes"] == [], result.stdout[-3000:]
        assert (direct_runs(result), module_runs(result)) == (1, 0)
        assert box.snapshot() == before
    assert reader.seen == ["a", "b"], reader.seen  # and never back to "a" once "b"
    assert reader.reads > 1000, reader.reads  # it did read throughout (some 200,000 times here)
