# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What PEC would see of its certificate, read again and again as fast as possible, in a process of its own at the
lowest priority (a thread of the test would share its GIL with the test's reading of ansible's output, and
both would slow the deploy down).

python -m tests.support.pec_reader FILE KNOWN... reads FILE whole and lists its folder as PEC does (*.pfx,
*.p12) until SIGTERM, then prints one JSON object: ``seen``, the versions read, each change once (a version is
the index of the KNOWN file it equals, "absent", or "other (N bytes)"); ``wrong``, how often the folder
listed anything but FILE; ``reads``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path


def watch(path: Path, known: list) -> dict:
    os.nice(19)  # all the CPU the deploy leaves, but never the deploy's share
    stopped = []
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stopped.append(True))
    seen, wrong, reads = [], {}, 0
    print("reading", flush=True)  # the caller waits for this line: reading has begun
    while not stopped:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = None
        now = "absent" if data is None else known.index(data) if data in known else "other (%d bytes)" % len(data)
        if not seen or seen[-1] != now:
            seen.append(now)
        listed = sorted(n for n in os.listdir(path.parent) if n.lower().endswith((".pfx", ".p12")))
        if listed != [path.name]:
            shown = " ".join(listed) or "nothing"
            wrong[shown] = wrong.get(shown, 0) + 1
        reads += 1
    return {"seen": seen, "wrong": wrong, "reads": reads}


if __name__ == "__main__":
    arguments = [Path(argument) for argument in sys.argv[1:]]
    print(json.dumps(watch(arguments[0], [known.read_bytes() for known in arguments[1:]])), flush=True)
