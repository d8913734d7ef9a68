# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every relative link in the Markdown users read (README, docs/, the roles' and benchmarks' READMEs) leads to
a file of this repository, and every ``#anchor`` to a heading of that file (GitHub's anchor rules)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.collection import REPO

PAGES = sorted(
    [
        REPO / "README.md",
        REPO / "benchmarks" / "README.md",
        *(REPO / "docs").glob("*.md"),
        *(REPO / "roles").glob("*/README.md"),
    ]
)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(page: Path) -> set:
    """GitHub's heading anchors: lower case, punctuation dropped except - and _, spaces to -."""
    found = set()
    fenced = False
    for line in page.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if fenced or not line.startswith("#"):
            continue
        text = line.lstrip("#").strip().lower()
        found.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return found


def links(page: Path) -> list:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z]+:", t)]


def broken_links(page: Path) -> list:
    """The links of page that lead nowhere, each with why."""
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists():
            broken.append("%s (no such file)" % target)
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append("%s (no such heading)" % target)
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(page):
    broken = broken_links(page)
    assert broken == [], "%s: broken links: %s" % (page.relative_to(REPO), ", ".join(broken))


def test_the_checker_finds_a_broken_link(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## Its part\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n[ok](#title) [gone](missing.md) [bad](#nowhere) [there](other.md#its-part) "
        "[not there](other.md#no-part) [site](https://example.org/x)\n"
    )
    assert broken_links(page) == [
        "missing.md (no such file)",
        "#nowhere (no such heading)",
        "other.md#no-part (no such heading)",
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_each_tested_block_is_run_by_the_test_it_names(page):
    """A ``<!-- tested: FILE -->`` bash block (tests/support/doc_blocks.py) names a test file that exists and
    reads this page's blocks."""
    from tests.support.doc_blocks import tested_blocks

    for test_file, _text in tested_blocks(page):
        path = REPO / test_file
        assert path.is_file(), "%s: tested block names %s, which does not exist" % (page.name, test_file)
        source = path.read_text()
        assert "doc_blocks" in source and page.name in source, "%s does not run the blocks of %s" % (test_file, page)
