# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/codes.md says what the codes' tables say; every code has its words in both languages, and they format."""

from __future__ import annotations

import re
import string

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils import readiness_codes as c
from tests.support.codes_page import PAGE, codes_page


def test_the_codes_page_is_written_from_the_tables():
    assert PAGE.read_text(encoding="utf-8") == codes_page(), (
        "docs/codes.md differs from the codes' tables: run `python -m tests.support.codes_page`"
    )


def test_the_page_lists_every_code_once_with_both_languages():
    page = PAGE.read_text(encoding="utf-8")
    listed = re.findall(r"^### `([\w.]+)`$", page, re.M)
    assert sorted(listed) == sorted(c.CODES)
    assert page.count("\n- en: ") == page.count("\n- pt-BR: ") == len(c.CODES)


@pytest.mark.parametrize("language", c.LANGUAGES)
def test_every_code_has_its_words_and_they_name_only_values(language):
    assert set(c.CODE_TEXT[language]) == set(c.CODES)
    for code, (sentence, step) in c.CODE_TEXT[language].items():
        assert code.split(".")[0] == c.CODES[code].check
        assert sentence and not sentence.endswith((".", ":")), code
        assert bool(step) is (c.CODES[code].status != c.PASS), code  # what to do, for all but a pass
        english = {name for _t, name, _s, _c in string.Formatter().parse(c.CODE_TEXT["en"][code][0]) if name}
        mine = {name for _t, name, _s, _c in string.Formatter().parse(sentence) if name}
        assert mine == english, code  # the same values in every language


def test_a_sentence_is_formatted_with_the_values_and_an_unknown_one_says_so():
    assert c.reason("certificate_file.unlistable", {"user": "pec", "error": "denied"}).startswith(
        "Cannot list chaves as pec (denied), so"
    )
    assert c.sentence("certificate_file.unlistable", {"error": "denied"}, "pt-BR").startswith(
        "Não foi possível listar a pasta chaves (denied)"
    )
    assert c.sentence("chaves.missing", {}) == "? does not exist"
    assert c.reason("pec.installed", {"version": "5.3", "root": "/opt"}) == "PEC 5.3 installed in /opt."
