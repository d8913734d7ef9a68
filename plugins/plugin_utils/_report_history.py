# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report folder's history: the previous readiness.json moved to history/ under its own timestamp, the
newest N kept, and the previous report found again. Private to the collection."""

from __future__ import annotations

import datetime
import json
import os
import re

from ansible_collections.esus.pec.plugins.plugin_utils._report_document import (
    JSON_NAME,
    ReportError,
    load_report,
    parse_time,
)

HISTORY_FOLDER = "history"
REPORT_FOLDER = "rnds-readiness-report"
_HISTORY_FILE = re.compile(r"^readiness-(\d{8}T\d{6}Z)(?:-(\d+))?\.json$")


def default_dest(inventory_sources: list, home: str) -> str:
    """The report folder when none is given: beside the inventory, whatever folder the play is run from (cron,
    another shell), so the history and "what changed" stay: next to the inventory folder (-i inventario/ ->
    inventario/../rnds-readiness-report, never inside it, where Ansible would read the report as inventory) or
    next to the inventory file (-i hosts.yml). An inventory that is not a path (-i host1,host2,): the home folder."""
    for source in inventory_sources or []:
        if not isinstance(source, str) or not os.path.isabs(source):
            continue
        source = os.path.normpath(source)
        if os.path.exists(source):  # a folder or a file: the folder that holds it
            return os.path.join(os.path.dirname(source), REPORT_FOLDER)
    return os.path.join(home, REPORT_FOLDER)


def history_stamp(generated: str | None, fallback: float) -> str:
    """A file-name-safe UTC timestamp (20261125T060000Z): the report's own, or ``fallback`` (an mtime)."""
    when = parse_time(generated) or datetime.datetime.fromtimestamp(fallback, datetime.timezone.utc)
    return when.strftime("%Y%m%dT%H%M%SZ")


def history_files(folder: str) -> list:
    """The reports kept in ``folder``, oldest first (other files are not ours and are left alone)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        match = _HISTORY_FILE.match(name)
        if match:
            found.append(((match.group(1), int(match.group(2) or 0)), os.path.join(folder, name)))
    return [path for _key, path in sorted(found)]


def archive(dest: str, keep: int) -> str | None:
    """Move dest/readiness.json into dest/history, keep the newest ``keep``; the path it was moved to."""
    current = os.path.join(dest, JSON_NAME)
    if keep <= 0 or not os.path.isfile(current):
        return None
    try:
        with open(current, encoding="utf-8") as handle:
            generated = json.load(handle).get("generated")
    except (OSError, ValueError, AttributeError):
        generated = None
    folder = os.path.join(dest, HISTORY_FOLDER)
    os.makedirs(folder, exist_ok=True)
    stamp = history_stamp(generated, os.path.getmtime(current))
    target = os.path.join(folder, "readiness-%s.json" % stamp)
    serial = 1
    while os.path.exists(target):
        serial += 1
        target = os.path.join(folder, "readiness-%s-%d.json" % (stamp, serial))
    os.replace(current, target)
    for old in history_files(folder)[:-keep]:
        os.remove(old)
    return target


def previous_report(dest: str) -> tuple:
    """(path, document) of the newest previous report in ``dest``: readiness.json, else the newest readable one
    in history/ (a run killed between the move and the write leaves only that); (None, None) if there is none."""
    candidates = [os.path.join(dest, JSON_NAME), *history_files(os.path.join(dest, HISTORY_FOLDER))[::-1]]
    for path in candidates:
        if os.path.isfile(path):
            try:
                return path, load_report(path)
            except ReportError:
                continue
    return None, None
