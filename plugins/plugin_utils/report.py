# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report: readiness records in, one report document out, written as JSON, CSV and an HTML page.

Controller code, plain functions, no Ansible objects; the public face of files of one concern each:
``_report_document`` (records, counts, changes, readiness.json out and in), ``_report_grouping`` (the problem
group of a host, from its codes), ``_report_text`` and one file of words per language, ``_report_csv``,
``_report_html``, ``_report_history`` (the report folder's history) and ``_report_merge`` (partial reports).
The JSON keys are English and stable (machines read them); the CSV and the page are for people, in pt-BR by
default. The action esus.pec.readiness_report drives it.
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.plugin_utils._report_csv import CSV_COLUMNS, CSV_NAME, to_csv
from ansible_collections.esus.pec.plugins.plugin_utils._report_document import (
    CHANGE_KEYS,
    FIELDS,
    JSON_NAME,
    NOT_AUDITED_REASON,
    ReportError,
    build,
    expiring,
    load_report,
    record,
    to_json,
    unchanged,
)
from ansible_collections.esus.pec.plugins.plugin_utils._report_grouping import PROBLEMS, classify
from ansible_collections.esus.pec.plugins.plugin_utils._report_history import (
    REPORT_FOLDER,
    archive,
    default_dest,
    history_files,
    previous_report,
)
from ansible_collections.esus.pec.plugins.plugin_utils._report_html import (
    HTML_NAME,
    TEMPLATE,
    TEMPLATE_ERROR,
    timeline_chart,
    to_html,
)
from ansible_collections.esus.pec.plugins.plugin_utils._report_merge import expand_parts, merge
from ansible_collections.esus.pec.plugins.plugin_utils._report_text import (
    CHANGE_TEXT,
    CSV_HEADERS,
    PAGE_TEXT,
    PROBLEM_TEXT,
)
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import LANGUAGES

__all__ = [
    "CHANGE_KEYS",
    "CHANGE_TEXT",
    "CSV_COLUMNS",
    "CSV_HEADERS",
    "CSV_NAME",
    "FIELDS",
    "HTML_NAME",
    "JSON_NAME",
    "LANGUAGES",
    "NOT_AUDITED_REASON",
    "PAGE_TEXT",
    "PROBLEMS",
    "PROBLEM_TEXT",
    "REPORT_FOLDER",
    "TEMPLATE",
    "TEMPLATE_ERROR",
    "ReportError",
    "archive",
    "build",
    "classify",
    "default_dest",
    "expand_parts",
    "expiring",
    "history_files",
    "load_report",
    "merge",
    "previous_report",
    "record",
    "timeline_chart",
    "to_csv",
    "to_html",
    "to_json",
    "unchanged",
]
