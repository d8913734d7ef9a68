# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet by UF and by the inventory groups the team names (regional health departments...): the same counts
as the page's cards, per part. Private to the collection.

Both tables are data: a breakdown is a name and the parts a row belongs to; a count is a name and a test on a
row. Another breakdown or count (a CADSUS column, say) is one more entry, and the page and JSON follow.
"""

from __future__ import annotations


def cadsus_part(row: dict) -> str:
    """A host's CADSUS state (issue 23, the second verdict): ready, its first failing or warning code, not checked,
    or not audited."""
    if row.get("ready") is None:
        return "not_audited"
    if row.get("cadsus_ready") is True:
        return "cadsus.ready"
    return (row.get("cadsus_codes") or ["cadsus.not_checked"])[0]


# breakdown: the parts of the fleet a report row belongs to (a row may be in several inventory groups)
BREAKDOWNS = {
    "uf": lambda row: [row.get("uf") or ""],
    "inventory_groups": lambda row: list(row.get("inventory_groups") or []),
    "cadsus": lambda row: [cadsus_part(row)],  # the CADSUS verdict's own group (issue 23)
}
# count: does a row count in it (the cards' counts: the sums of a breakdown's parts equal the cards)
COUNTS = {
    "hosts": lambda row: True,
    "ready": lambda row: row.get("ready") is True,
    "not_ready": lambda row: row.get("ready") is False,
    "unknown": lambda row: row.get("ready") is None,
    "expiring_30": lambda row: row.get("days_left") is not None and 0 <= row["days_left"] <= 30,
}


def breakdown(rows: list) -> dict:
    """Breakdown name: [{"name": part, count name: number...}] sorted by part name ('' last: no UF given)."""
    out = {}
    for name, parts_of in BREAKDOWNS.items():
        per_part: dict = {}
        for row in rows:
            for part in parts_of(row):
                counts = per_part.setdefault(part, dict.fromkeys(COUNTS, 0))
                for count, test in COUNTS.items():
                    if test(row):
                        counts[count] += 1
        out[name] = [{"name": part, **per_part[part]} for part in sorted(per_part, key=lambda p: (p == "", p))]
    return out
