# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report's words, by language (one file per language holds them), and a host's reasons in them.

Private to the collection. The JSON keeps the reasons as the audit wrote them (English); the CSV and the page
show them in the report's language, rendered from each host's codes and values (plugin_utils/readiness_codes.py).
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.plugin_utils import _report_text_en, _report_text_pt_br
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CODE_TEXT, CODES, LANGUAGES, reason

_BY_LANGUAGE = {"pt-BR": _report_text_pt_br, "en": _report_text_en}
PROBLEM_TEXT = {language: _BY_LANGUAGE[language].PROBLEMS for language in LANGUAGES}  # problem: (label, next step)
CHANGE_TEXT = {language: _BY_LANGUAGE[language].CHANGES for language in LANGUAGES}
CSV_HEADERS = {language: _BY_LANGUAGE[language].CSV_HEADERS for language in LANGUAGES}
READY_TEXT = {language: _BY_LANGUAGE[language].READY for language in LANGUAGES}
PAGE_TEXT = {language: _BY_LANGUAGE[language].PAGE for language in LANGUAGES}
MONTHS = {language: _BY_LANGUAGE[language].MONTHS for language in LANGUAGES}


def _said(code: str, values: dict, language: str) -> str:
    """A code's reason in ``language``; without the host's values (a report written before codes), the problem
    group's label and the code's next step, rather than a sentence with holes."""
    if code in values or not CODES[code].group:
        return reason(code, values.get(code) or {}, language)
    step = CODE_TEXT[language][code][1]
    label = PROBLEM_TEXT[language][CODES[code].group][0]
    return "%s: %s." % (label, step) if step else "%s." % label


def shown_reasons(row: dict, language: str) -> list:
    """The host's reasons in ``language``, from its codes: each code's sentence and next step with the host's
    values (never an English sentence on a pt-BR page). In English, the audit's own words where the record has
    them (the certificate's carry the PKCS#12 core's detail). A record with none of our codes keeps the audit's."""
    codes, values = row.get("codes") or [], row.get("values") or {}
    known = [code for code in codes if code in CODES]
    if (language == "en" and row.get("reasons")) or not known:
        return list(row.get("reasons") or [])
    return [_said(code, values, language) for code in known]
