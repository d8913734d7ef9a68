# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test command (scripts/test.sh, what .ci/run runs) cannot be green on a part that ran nothing.

scripts/test.sh is sourced in a real bash and its functions run on planted parts: an empty test folder, a folder
whose only test skips, one that errors at collection, a script with a syntax error in second place, a tool that
apt-get cannot install, a pip that fails. apt-get and the virtualenv's python are stand-ins on PATH (a real
failing install would need a broken mirror); everything else is the real pytest and bash.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.collection import REPO

TEST_SH = REPO / "scripts" / "test.sh"


def bash(script: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Source test.sh (its results in tmp_path), run script, print the counters."""
    program = 'source "%s"\n%s\necho "COUNTS $passed $failed $skipped"\nprintf "FAILURE %%s\\n" "${failures[@]}"\n' % (
        TEST_SH,
        script,
    )
    environment = dict(os.environ, ESUS_RESULTS=str(tmp_path / "results"), **env)
    environment["PATH"] = "%s:%s" % (Path(sys.executable).parent, environment["PATH"])
    environment.pop("CI", None)  # the skip-as-failure rule of tests/conftest.py is tested on its own
    return subprocess.run(
        ["bash", "-c", program],
        input="",
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def counts(done: subprocess.CompletedProcess) -> tuple[int, int, int]:
    line = [line for line in done.stdout.splitlines() if line.startswith("COUNTS ")][-1]
    passed, failed, skipped = (int(n) for n in line.split()[1:])
    return passed, failed, skipped


def failures(done: subprocess.CompletedProcess) -> str:
    return "\n".join(line for line in done.stdout.splitlines() if line.startswith("FAILURE ") and line[8:].strip())


def part(tmp_path: Path, name: str, text: str | None) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    if text is not None:
        (folder / "test_planted.py").write_text(text)
    return folder


def test_a_part_that_passes_counts_its_tests(tmp_path):
    folder = part(tmp_path, "good", "def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    done = bash("run_pytest good %s" % folder, tmp_path)
    assert counts(done) == (2, 0, 0), done.stdout + done.stderr
    assert failures(done) == ""


def test_a_part_that_collects_no_test_fails(tmp_path):
    done = bash("run_pytest empty %s" % part(tmp_path, "empty", None), tmp_path)
    assert counts(done)[1] == 1 and "collected no test" in failures(done), done.stdout + done.stderr


def test_a_part_whose_tests_all_skip_fails(tmp_path):
    folder = part(tmp_path, "skips", "import pytest\n\ndef test_one():\n    pytest.skip('no tool')\n")
    done = bash("run_pytest skips %s" % folder, tmp_path)
    assert counts(done) == (0, 1, 1) and "ran no test" in failures(done), done.stdout + done.stderr


def test_a_collection_error_is_a_failure_in_the_closing_count(tmp_path):
    folder = part(tmp_path, "broken", "import no_such_module_here\n\ndef test_one():\n    pass\n")
    (folder / "test_fine.py").write_text("def test_fine():\n    pass\n")
    done = bash("run_pytest broken %s" % folder, tmp_path)
    assert counts(done)[1] >= 1 and "pytest broken" in failures(done), done.stdout + done.stderr


def test_a_failing_test_is_counted_once(tmp_path):
    folder = part(tmp_path, "red", "def test_one():\n    assert False\n\ndef test_two():\n    pass\n")
    done = bash("run_pytest red %s" % folder, tmp_path)
    assert counts(done) == (1, 1, 0) and "pytest red exited 1" in failures(done), done.stdout + done.stderr


def test_a_failing_test_is_named_with_its_message(tmp_path):
    """CI shows the command's output, not .cache/results: the failing test and its message must be in it."""
    folder = part(tmp_path, "named", "def test_the_planted_one():\n    assert 'planted-left' == 'planted-right'\n")
    done = bash("run_pytest named %s" % folder, tmp_path)
    assert re.search(r"FAILED \S*test_planted::test_the_planted_one", done.stderr), done.stderr
    assert "planted-right" in done.stderr, done.stderr


def test_a_failed_matrix_session_shows_its_own_log_lines(tmp_path):
    """A matrix session that failed (here: a planted nox report and log, its pytest junit included) is named with
    its failing test and the lines of its own session in the nox log, not another session's."""
    out = tmp_path / "results" / "matrix"
    script = """
mkdir -p "$results/matrix/2.18"
nox() {
if [ "$3" = -l ]; then
  echo '[{"call_spec": {"core": "2.17"}, "python": "PYTHON"},'
  echo ' {"call_spec": {"core": "2.18"}, "python": "PYTHON"}]'
  return
fi
cat >"$results/matrix/host.log" <<'LOG'
nox > Running session units(2.17)
nox > other-session-line
nox > Session units(2.17) was successful in 1 seconds.
nox > Running session units(2.18)
nox > pip install: planted-install-line
nox > Session units(2.18) failed.
LOG
printf '{"sessions": [{"name": "units", "args": {"core": "2.17"}, "result": "success", "duration": 1},
 {"name": "units", "args": {"core": "2.18"}, "result": "failed", "duration": 2}]}' >"$results/matrix/host.json"
printf '<testsuite tests="1" failures="1"><testcase classname="t" name="test_planted_matrix">
<failure message="boom-planted">trace</failure></testcase></testsuite>' >"$results/matrix/2.18/units.xml"
}
esus_engine_start() { echo "no engine in this test" >&2; return 1; }  # every core runs "here"
step_matrix 2.17 2.18 >/dev/null
"""
    # the cores' Python is this one (the matrix runs its units in Debian 13 too, where there is no python3.11)
    done = bash(script.replace("PYTHON", "%d.%d" % sys.version_info[:2]), tmp_path)
    assert out.is_dir()
    assert "FAILED t::test_planted_matrix" in done.stderr and "boom-planted" in done.stderr, done.stderr
    assert "planted-install-line" in done.stderr, done.stderr
    assert "other-session-line" not in done.stderr, done.stderr
    assert "matrix units(2.18)" in failures(done), done.stdout + done.stderr


def test_every_script_is_parsed_not_only_the_first(tmp_path):
    good, bad = tmp_path / "good.sh", tmp_path / "bad.sh"
    good.write_text("echo fine\n")
    bad.write_text("if then fi (\n")
    mkdir = 'mkdir -p "$results"'
    done = bash("%s\ncheck_bash_syntax %s %s" % (mkdir, good, bad), tmp_path)
    assert counts(done) == (1, 1, 0) and "bash-syntax-bad.sh" in failures(done), done.stdout + done.stderr


@pytest.fixture
def stand_ins(tmp_path) -> Path:
    """A folder for stand-in commands, first on PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    return folder


def _executable(path: Path, text: str) -> None:
    path.write_text("#!/bin/sh\n" + text)
    path.chmod(0o755)


def test_a_tool_apt_get_cannot_install_stops_the_command(tmp_path, stand_ins):
    _executable(stand_ins / "apt-get", "exit 100\n")
    script = 'ESUS_NEEDED_COMMANDS=("esus-no-such-command esus-no-such-package")\nesus_need_commands; echo "STATUS $?"'
    done = bash('PATH="%s:$PATH"\n%s' % (stand_ins, script), tmp_path)
    assert "STATUS 1" in done.stdout, done.stdout + done.stderr
    assert "could not install esus-no-such-package" in done.stderr


def test_a_failed_pip_install_is_not_marked_installed(tmp_path, stand_ins):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    _executable(venv / "bin" / "python", 'case "$*" in *" -r "*) echo "pip: no" >&2; exit 1 ;; esac\nexit 0\n')
    done = bash('esus_venv requirements-dev.txt; echo "STATUS $?"', tmp_path, ESUS_VENV=str(venv))
    assert "STATUS 1" in done.stdout, done.stdout + done.stderr
    assert not list(venv.glob(".installed-*")), "a failed install was marked installed"
    assert "pip could not install requirements-dev.txt" in done.stderr


def test_a_skip_under_ci_is_a_failure(tmp_path):
    """tests/conftest.py: CI=true turns a skip (a missing tool, sshd, browser) into a failure; xfail stays xfail.

    The planted test lives in tmp_path with tests/conftest.py loaded as a plugin: planted in tests/unit, another
    pytest collecting tests/unit at the same time (the matrix runs units on several ansible-core at once over this
    checkout) ran it too and failed on its skip under CI=true."""
    planted = tmp_path / "test_zz_planted.py"
    planted.write_text(
        "import pytest\n\ndef test_skips():\n    pytest.skip('keytool not found')\n\n"
        "@pytest.mark.xfail(strict=True, reason='known')\ndef test_known():\n    assert False\n"
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest"]
    command += ["--rootdir", str(tmp_path), "-c", os.devnull, str(planted)]
    ci = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=dict(os.environ, CI="true"))
    local = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=dict(os.environ, CI="false"))
    assert ci.returncode == 1 and "1 failed, 1 xfailed" in ci.stdout, ci.stdout + ci.stderr
    assert "skipped under CI=true" in ci.stdout and "keytool not found" in ci.stdout
    assert local.returncode == 0 and "1 skipped, 1 xfailed" in local.stdout, local.stdout
    assert not list((REPO / "tests").rglob("test_zz_planted*")), "a planted test was left in the checkout"
