# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""readiness.html: the report document as one self-contained page, rendered from the collection's template
(roles/rnds_readiness/templates/readiness.html.j2) with autoescape on. Private to the collection.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
from typing import NamedTuple

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
except ImportError:  # Python < 3.9
    ZoneInfo = None

import jinja2
from markupsafe import Markup

from ansible_collections.esus.pec.plugins.plugin_utils._report_document import (
    CHANGE_KEYS,
    WEEKS,
    host_changes,
    parse_time,
)
from ansible_collections.esus.pec.plugins.plugin_utils._report_grouping import kind, page_order
from ansible_collections.esus.pec.plugins.plugin_utils._report_text import (
    CHANGE_TEXT,
    MONTHS,
    PAGE_TEXT,
    PROBLEM_TEXT,
    READY_TEXT,
    shown_reasons,
)

HTML_NAME = "readiness.html"
# The collection's page: the action finds it beside its own code, in the collection as installed.
TEMPLATE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "roles", "rnds_readiness", "templates", "readiness.html.j2"
)
CHANGES_LISTED = 200  # hosts named per change on the page; the JSON has them all
TEMPLATE_ERROR = jinja2.TemplateError


def show_date(day: datetime.date, language: str) -> str:
    month = MONTHS[language][day.month - 1]
    return "%02d %s" % (day.day, month) if language == "pt-BR" else "%s %02d" % (month, day.day)


def brasilia() -> datetime.tzinfo:
    """Brasília time: America/Sao_Paulo from the system's zone data, else UTC-3 (Brazil has kept no daylight
    saving time since 2019, so the two agree for every report this collection writes)."""
    if ZoneInfo is not None:
        try:
            return ZoneInfo("America/Sao_Paulo")
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return datetime.timezone(datetime.timedelta(hours=-3), "-03")


BRASILIA = brasilia()


def show_time(text: str | None, language: str, with_time: bool = True) -> str:
    """A report timestamp as a coordinator reads it: in Brasília time, the zone said ("horário de Brasília,
    UTC-03")."""
    value = parse_time(text)
    if value is None:
        return text or ""
    local = value.astimezone(BRASILIA)
    day = local.strftime("%d/%m/%Y" if language == "pt-BR" else "%Y-%m-%d")
    if not with_time:
        return day
    offset = local.strftime("%z")
    zone = "UTC%s:%s" % (offset[:3], offset[3:]) if offset else "UTC"
    return "%s %s (%s, %s)" % (day, local.strftime("%H:%M"), PAGE_TEXT[language]["timezone"], zone)


def timeline_chart(expiry: dict, start: datetime.date, language: str) -> dict:
    """The geometry of the expiry timeline (an SVG bar per week), so the template only draws it."""
    width, height, left, right, top, bottom = 800, 230, 34, 50, 28, 46
    slot = (width - left - right) / WEEKS
    plot = height - top - bottom
    tallest = max(expiry["by_week"]) or 1
    bars = []
    for week, count in enumerate(expiry["by_week"]):
        first = start + datetime.timedelta(days=7 * week)
        last = first + datetime.timedelta(days=6)
        bar_height = round(plot * count / tallest, 1)
        x = round(left + slot * week + slot * 0.15, 1)
        bars.append(
            {
                "week": week,
                "count": count,
                "x": x,
                "y": round(top + plot - bar_height, 1),
                "width": round(slot * 0.7, 1),
                "height": bar_height,
                "center": round(x + slot * 0.35, 1),
                "level": "d30" if 7 * week < 30 else "d60" if 7 * week < 60 else "d90",
                "label": show_date(first, language),
                "title": PAGE_TEXT[language]["timeline_bar"]
                % (count, show_date(first, language), show_date(last, language)),
            }
        )
    marks = [
        {"days": days, "x": round(left + slot * days / 7, 1), "label": "%d %s" % (days, PAGE_TEXT[language]["days"])}
        for days in (30, 60, 90)
    ]
    return {
        "width": width,
        "height": height,
        "top": top,
        "baseline": top + plot,
        "left": left,
        "right": width - right,
        "bars": bars,
        "marks": marks,
    }


class PageRow(NamedTuple):
    """One host as the page's table shows it (a tuple: the template reads 5,570 of them quickly)."""

    host: str
    municipality: str
    uf: str
    ibge: str
    inventory_groups: str
    state: str
    ready: str
    ready_sort: int
    problem: str
    problem_label: str
    problem_sort: int
    change: str
    change_label: str
    days: object
    days_sort: int
    expires: str
    pec_status: str
    cadsus: str  # issue 23: the second verdict
    reasons: str


def _page_rows(document: dict) -> list:
    language = document["language"]
    problems = PROBLEM_TEXT[language]
    change_text = CHANGE_TEXT[language]
    per_host = host_changes(document["changes"])
    rank = {problem: index for index, problem in enumerate(page_order(document["groups"]))}
    out = []
    for row in document["hosts"]:
        keys = per_host.get(row["host"], [])
        days = row["days_left"]
        out.append(
            PageRow(
                host=row["host"],
                municipality=row["municipality"] or "",
                uf=row["uf"] or "",
                ibge=row["ibge"] or "",
                inventory_groups=", ".join(row.get("inventory_groups") or []),
                state={True: "yes", False: "no", None: "unknown"}[row["ready"]],
                ready=READY_TEXT[language][row["ready"]],
                ready_sort={False: 0, None: 1, True: 2}[row["ready"]],
                problem=row["problem"],
                problem_label=problems[row["problem"]][0],
                problem_sort=rank[row["problem"]],
                change=" ".join(keys),
                change_label=", ".join(change_text[key] for key in keys),
                days="" if days is None else days,
                days_sort=99999 if days is None else days,
                expires=show_time(row["not_after"], language, with_time=False),
                pec_status=row["pec_status"] or "",
                cadsus=READY_TEXT[language][row.get("cadsus_ready")],
                reasons=" ".join(shown_reasons(row, language)),
            )
        )
    out.sort(key=lambda r: (r.problem_sort, r.host))
    return out


def _sections(document: dict) -> list:
    """The group table in three sections whose totals are the cards' numbers: not ready, not audited, ready."""
    language = document["language"]
    counts, problems, summary_ = document["groups"], PROBLEM_TEXT[language], document["summary"]
    shown = [p for p in page_order(counts) if counts.get(p)]
    sections = []
    for key, kinds, total in (
        ("bad", ("bad",), summary_["not_ready"]),
        ("unknown", ("unknown",), summary_["unknown"]),
        ("ready", ("warn", "ok"), summary_["ready"]),
    ):
        groups = [
            {"key": p, "label": problems[p][0], "next_step": problems[p][1], "count": counts[p], "kind": kind(p)}
            for p in shown
            if kind(p) in kinds
        ]
        if groups or total:
            sections.append(
                {"key": key, "title": PAGE_TEXT[language]["sections"][key], "total": total, "groups": groups}
            )
    return sections


def _breakdowns(document: dict) -> list:
    """The breakdowns worth a table: by UF when some host has one, by inventory group when the team named any."""
    text = PAGE_TEXT[document["language"]]
    out = []
    for key, parts in (document.get("breakdown") or {}).items():
        if not any(part["name"] for part in parts):
            continue
        names = text["cadsus_parts"] if key == "cadsus" else {}  # the CADSUS states, in words
        rows = [dict(part, name=names.get(part["name"], part["name"]) or text["no_uf"]) for part in parts]
        out.append({"key": key, "title": text["breakdowns"][key], "rows": rows})
    return out


def page_context(document: dict) -> dict:
    """Everything the template shows, in the document's language."""
    language = document["language"]
    changes = document["changes"]
    labels = changes.get("labels") or {}
    reference = parse_time(document["generated"]) or datetime.datetime.now(datetime.timezone.utc)
    summary_ = dict(document["summary"], expiring_60=document["expiring"]["within_60"])
    sections = _sections(document)
    return {
        "lang": language,
        "t": PAGE_TEXT[language],
        "generated": show_time(document["generated"], language),
        "merged_from": document.get("merged_from") or [],
        "cards": [
            (key, PAGE_TEXT[language]["cards"][key], summary_[key])
            for key in ("ready", "not_ready", "unknown", "expiring_30", "expiring_60", "expiring_90")
        ],
        "sections": sections,
        "groups": [group for section in sections for group in section["groups"]],
        "breakdowns": _breakdowns(document),
        "breakdown_counts": list(PAGE_TEXT[language]["breakdown_counts"].items()),
        "since": show_time(changes.get("since"), language) if changes.get("since") else "",
        "has_previous": bool(changes.get("since")) or any(changes.get(key) for key in CHANGE_KEYS),
        "changes": [
            {
                "key": key,
                "label": CHANGE_TEXT[language][key],
                "count": len(changes.get(key) or []),
                "hosts": [(labels.get(host) or host, host) for host in (changes.get(key) or [])[:CHANGES_LISTED]],
                "more": max(0, len(changes.get(key) or []) - CHANGES_LISTED),
            }
            for key in CHANGE_KEYS
        ],
        "expiring": document["expiring"],
        "chart": timeline_chart(document["expiring"], reference.astimezone(BRASILIA).date(), language),
        "rows": _page_rows(document),
        "total": len(document["hosts"]),
    }


def _csp_hash(text: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script or style."""
    digest = base64.b64encode(hashlib.sha256(str(text).encode("utf-8")).digest()).decode("ascii")
    return Markup("'sha256-%s'" % digest)  # base64 and quotes only: safe in the attribute as it is


def to_html(document: dict, template: str) -> str:
    """The page, rendered from ``template`` (Jinja2 source) with autoescape on."""
    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    environment.filters["csp_hash"] = _csp_hash
    return environment.from_string(template).render(**page_context(document))
