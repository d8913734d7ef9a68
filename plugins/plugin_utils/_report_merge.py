# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One report from partial ones (AWX job slices): their paths, globs expanded, and the union of their hosts.
Private to the collection."""

from __future__ import annotations

import datetime
import glob

from ansible_collections.esus.pec.plugins.plugin_utils._report_document import ReportError, parse_time


def expand_parts(paths: list) -> list:
    """The partial reports' paths, a glob pattern (``*``, ``?``, ``[``) expanded in sorted order; one that matches
    nothing is an error (a slice that wrote no report must not go unnoticed)."""
    found = []
    for path in paths:
        if glob.has_magic(path):
            matches = sorted(glob.glob(path))
            if not matches:
                raise ReportError("%s matches no file: no partial report there." % path)
            found.extend(matches)
        else:
            found.append(path)
    return found


def _when(text: str | None) -> datetime.datetime:
    return parse_time(text) or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)


def merge(documents: list) -> tuple:
    """(rows, generated) of the union of partial reports: a host in several takes the record audited last
    (on a tie, the later report in the list); generated is the latest of the parts'."""
    chosen: dict = {}
    for document in documents:
        for row in document["hosts"]:
            audited = _when(row["audited"])
            held = chosen.get(row["host"])
            if held is None or audited >= held[0]:
                chosen[row["host"]] = (audited, row)
    latest = max((document["generated"] for document in documents), key=_when, default="")
    return [row for _when_, row in chosen.values()], latest
