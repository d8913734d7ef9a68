# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fixed-budget fuzz of validate(): never an exception, never a hang, never ok for a file OpenSSL refuses.

Runs tests/pkcs12_repro/fuzz.py (structure-aware mutations of good files, the MAC recomputed behind the
damage) for ESUS_FUZZ_SECONDS (default 90) with seed ESUS_FUZZ_SEED (default 20261126). Its oracle:
no exception of any kind escapes validate() (native panics included), a verdict within 3 s wall clock
and 2 s of CPU, and no ok/expiring for a file cryptography's full loader refuses. The base files get
fresh keys on every run, so a failure prints the mutation; rerun by hand with --save DIR to keep it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_fuzz_finds_no_crash_hang_slow_or_false_ok():
    seconds = os.environ.get("ESUS_FUZZ_SECONDS", "90")
    seed = os.environ.get("ESUS_FUZZ_SEED", "20261126")
    done = subprocess.run(
        [sys.executable, str(REPO / "tests" / "pkcs12_repro" / "fuzz.py"), "--seconds", seconds, "--seed", seed],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=float(seconds) + 300,
        check=False,
    )
    print(done.stdout)  # the counts, kept in the junit log
    counts = re.search(r"crashes: (\d+) .*hangs[^:]*: (\d+) .*false ok[^:]*: (\d+) .*slow[^:]*: (\d+)", done.stdout)
    assert counts, done.stdout + done.stderr[-2000:]
    inputs = int(re.search(r"(\d+) inputs in", done.stdout).group(1))
    assert inputs > 500, "the fuzzer ran only %d inputs: %s" % (inputs, done.stdout)
    assert counts.groups() == ("0", "0", "0", "0"), done.stdout
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
