# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fenced ``bash`` blocks of the docs that a test runs: each follows a ``<!-- tested: <test file> ... -->``
line, and the test named there runs it in a sandbox (tests/unit/test_docs_links.py holds each marker's test file
real and naming the page)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

# a block may be indented (inside a list item); its text is dedented
MARKER = re.compile(r"^[ \t]*<!-- tested: (\S+)[^\n]*-->\n[ \t]*```bash\n(.*?)^[ \t]*```", re.M | re.S)


def tested_blocks(page: Path) -> list[tuple[str, str]]:
    """(test file, the block's text) for each tested block of a page, in order."""
    text = page.read_text(encoding="utf-8")
    return [(match.group(1), textwrap.dedent(match.group(2))) for match in MARKER.finditer(text)]


def block(page: Path, test_file: str, index: int = 0) -> str:
    """The index-th block of the page that test_file runs."""
    mine = [text for name, text in tested_blocks(page) if name == test_file]
    assert len(mine) > index, "%s has no tested block %d for %s" % (page, index, test_file)
    return mine[index]
