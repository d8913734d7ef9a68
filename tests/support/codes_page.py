# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/codes.md, written from the codes' tables (plugins/plugin_utils/readiness_codes.py and one text file per
language). tests/unit/test_codes_page.py fails when the page and the tables differ; after changing a code or its
words, write the page again: ``python -m tests.support.codes_page`` from the repository's root.
"""

from __future__ import annotations

import re
import sys

from tests.support.collection import REPO, collections_path

sys.path.insert(0, str(collections_path()))

from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import (
    CHECK_ORDER,
    CODE_TEXT,
    CODES,
)

PAGE = REPO / "docs" / "codes.md"
HEAD = """\
<!-- Written by tests/support/codes_page.py from plugins/plugin_utils/readiness_codes.py and _code_text_*.py:
     edit those, then run `python -m tests.support.codes_page`. tests/unit/test_codes_page.py checks it. -->
# The readiness codes

Every check of the RNDS readiness audit (`esus.pec.rnds_audit`, role `esus.pec.rnds_readiness`) answers with
one stable code and the values its sentence needs. The codes are the contract: each host's record in
`readiness.json` lists the codes of its failing and warning checks (`codes`, with their `values`); the fleet
report groups the hosts by them, and writes their reasons in the report's language from the tables below.
The words may change from one release to the next; a code's meaning does not.

For each code: its status (`pass`, `warn`, `fail`; `unknown` when the check could not tell), the report's
problem group when it is the host's deciding code, what PEC's RNDS tab would most likely show, and the
sentence and next step in English and in Brazilian Portuguese. `{name}` stands for a value of the host;
`[ as {user}]` is shown only when the value is known.

A host's deciding code is its first failing one, in this order of checks:
%s.
An expired certificate makes PEC show "Certificado expirado" whatever else is wrong. A failing code with
nothing to say of PEC (the inventory's certificate: PEC runs on the file in `chaves`) does not decide what PEC
shows; the next failing code that does, does, else "Conexão bem-sucedida". A ready host is grouped by
its certificate's days left (`expiring_30` at 30 days or less), then by its first warning.

In the audit's own result (and the `reasons` of `readiness.json`), the `certificate` check's English reason is
the PKCS#12 core's message, which names the file and the cause in more detail ([verdicts.md](verdicts.md)).
"""


def _shown(text: str) -> str:
    """A table's sentence as the page shows it: ``{user: as %s}`` as ``[ as {user}]``."""
    return re.sub(r"\{(\w+):([^}]*)%s([^}]*)\}", lambda m: "[%s{%s}%s]" % (m.group(2), m.group(1), m.group(3)), text)


def codes_page() -> str:
    lines = [HEAD % ", ".join("`%s`" % name for name in CHECK_ORDER)]
    for check in CHECK_ORDER:
        lines.append("## `%s`\n" % check)
        for code, known in CODES.items():
            if known.check != check:
                continue
            lines.append("### `%s`\n" % code)
            lines.append(
                "Status `%s` · report group %s · PEC would show %s\n"
                % (
                    known.status,
                    "`%s`" % known.group if known.group else "(none)",
                    '"%s"' % known.pec_status if known.pec_status else "(nothing to say)",
                )
            )
            for language, next_word in (("en", "Next step"), ("pt-BR", "Próximo passo")):
                sentence, step = CODE_TEXT[language][code]
                said = "- %s: %s." % (language, _shown(sentence))
                lines.append(said + (" %s: %s." % (next_word, step) if step else ""))
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    PAGE.write_text(codes_page(), encoding="utf-8")
    print("written: %s" % PAGE.relative_to(REPO))
