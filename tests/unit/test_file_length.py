# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 21's rule: no source file under plugins/ is over 400 lines, so each one stays one concern.

A Python module under plugins/modules counts only its code after the RETURN string: DOCUMENTATION, EXAMPLES
and RETURN are where ansible-doc reads a module's documentation (a doc stub of an action or a PowerShell
module is nothing else), and they grow with every option. Code above RETURN would not be exempt: only what
follows the string is counted, so a module that holds its logic is judged like any other file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.collection import REPO

LIMIT = 400
SOURCES = (".py", ".ps1", ".psm1", ".cs")


def counted_lines(path: Path) -> int:
    """Lines of the file (as wc -l counts them), or of a module's code after its RETURN string."""
    text = path.read_text(encoding="utf-8")
    total = len(text.splitlines())
    if path.parent.name != "modules" or path.suffix != ".py":
        return total
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "RETURN" for target in node.targets):
            return total - node.end_lineno
    return total  # no RETURN: all of it is code


def plugin_sources() -> list[Path]:
    return sorted(
        path
        for path in (REPO / "plugins").rglob("*")
        if path.is_file() and path.suffix in SOURCES and "__pycache__" not in path.parts
    )


def test_the_sources_are_found():
    names = {path.name for path in plugin_sources()}
    assert {"pkcs12.py", "pkcs12_validate.py", "win_pec_probe.ps1", "FileSecurity.psm1"} <= names


@pytest.mark.parametrize("path", plugin_sources(), ids=lambda path: str(path.relative_to(REPO)))
def test_no_plugin_source_is_over_the_limit(path):
    lines = counted_lines(path)
    assert lines <= LIMIT, (
        "%s has %d lines of code (limit %d, issue 21): split it into files of one concern each, private "
        "module_utils named _<concern>.py, as plugins/module_utils/pkcs12.py was"
        % (path.relative_to(REPO), lines, LIMIT)
    )


def test_a_module_counts_its_code_after_return_only(tmp_path):
    """The count itself: a long documentation is not counted, code after it and any other file are."""
    modules = tmp_path / "modules"
    modules.mkdir()
    documented = modules / "documented.py"
    documented.write_text('DOCUMENTATION = r"""\n%s"""\nRETURN = r"""\n"""\n\nx = 1\n' % ("doc\n" * 500))
    assert counted_lines(documented) == 2
    long_code = modules / "long_code.py"
    long_code.write_text('RETURN = ""\n' + "x = 1\n" * (LIMIT + 1))
    assert counted_lines(long_code) == LIMIT + 1
    helper = tmp_path / "helper.py"
    helper.write_text('RETURN = ""\n' + "x = 1\n" * LIMIT)
    assert counted_lines(helper) == LIMIT + 1  # outside modules/ every line counts
