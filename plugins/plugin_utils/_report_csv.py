# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""readiness.csv: the report document as a spreadsheet for people, in the report's language. Private to the
collection."""

from __future__ import annotations

import csv
import io

from ansible_collections.esus.pec.plugins.plugin_utils._report_document import host_changes
from ansible_collections.esus.pec.plugins.plugin_utils._report_text import (
    CHANGE_TEXT,
    CSV_HEADERS,
    PROBLEM_TEXT,
    READY_TEXT,
    shown_reasons,
)

CSV_NAME = "readiness.csv"
# The CSV's columns; the English headers are the JSON's keys.
CSV_COLUMNS = (
    "host",
    "municipality",
    "uf",
    "ibge",
    "inventory_groups",
    "ready",
    "problem",
    "next_step",
    "change",
    "days_left",
    "not_after",
    "verdict",
    "pec_status",
    "pec_version",
    "cadsus_ready",  # issue 23
    "cnpj",
    "reasons",
)
# Excel in Brazil splits on ';' (',' is the decimal mark); both open UTF-8 only with the byte order mark.
CSV_DELIMITER = {"pt-BR": ";", "en": ","}


def _spreadsheet_safe(value):
    """A text cell a spreadsheet would run as a formula (=, +, -, @) gets a leading quote; numbers stay."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(document: dict) -> str:
    language = document["language"]
    problems = PROBLEM_TEXT[language]
    change_text = CHANGE_TEXT[language]
    per_host = host_changes(document["changes"])
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=CSV_DELIMITER[language], lineterminator="\n")
    writer.writerow([CSV_HEADERS[language][column] for column in CSV_COLUMNS])
    for row in document["hosts"]:
        label, step = problems[row["problem"]]
        cells = dict(
            row,
            ready=READY_TEXT[language][row["ready"]],
            cadsus_ready=READY_TEXT[language][row.get("cadsus_ready")],  # issue 23
            problem=label,
            next_step=step,
            change=", ".join(change_text[key] for key in per_host.get(row["host"], [])),
            reasons=" | ".join(shown_reasons(row, language)),
            inventory_groups=", ".join(row.get("inventory_groups") or []),
        )
        writer.writerow(["" if cells[c] is None else _spreadsheet_safe(cells[c]) for c in CSV_COLUMNS])
    return out.getvalue()
