# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report as mail: who gets which message, its subject (the counts) and its plain-text body (the
summary, the changes since the last report, the hosts that are not ready with their next step). Controller code,
plain functions: the role sends what this returns with community.general.mail (filter esus.pec.readiness_mail).

``mail_to`` is a list of addresses (the whole fleet in one message) or a dict UF -> list of addresses (each UF's
coordinators get a message about their UF's hosts; the key ``"*"`` gets the whole fleet). The report page is
attached whole in every message (its search box narrows it to a UF).
"""

from __future__ import annotations

import os

from ansible_collections.esus.pec.plugins.plugin_utils import report
from ansible_collections.esus.pec.plugins.plugin_utils._report_document import summary
from ansible_collections.esus.pec.plugins.plugin_utils._report_html import show_time

ALL = "*"
WORDS = {
    "pt-BR": {
        "subject": "Prontidão RNDS%s: %d de %d servidores PEC prontos, %d não prontos, %d não auditados, "
        "%d certificados vencem em até 30 dias",
        "intro": "Relatório de prontidão dos servidores PEC para a RNDS%s, gerado em %s pelo esus.pec.",
        "counts": (
            ("hosts", "Servidores"),
            ("ready", "Prontos"),
            ("not_ready", "Não prontos"),
            ("unknown", "Não auditados"),
            ("expiring_30", "Certificados que vencem em até 30 dias"),
        ),
        "since": "Mudanças desde o relatório de %s:",
        "first": "Primeiro relatório nesta pasta: ainda não há mudanças a mostrar.",
        "none": "Nenhuma mudança.",
        "not_ready": "Servidores que precisam de ação:",
        "next": "próximo passo",
        "all_ready": "Todos os servidores estão prontos.",
        "attached": "O relatório completo está anexo (%s): abra-o no navegador%s.",
        "filter": "; digite %s na busca para filtrar a tabela",
        "scope": " (%s)",
        "more": "... e mais %d (veja o relatório anexo).",
    },
    "en": {
        "subject": "RNDS readiness%s: %d of %d PEC servers ready, %d not ready, %d not audited, "
        "%d certificates expire within 30 days",
        "intro": "RNDS readiness report of the PEC servers%s, generated on %s by esus.pec.",
        "counts": (
            ("hosts", "Servers"),
            ("ready", "Ready"),
            ("not_ready", "Not ready"),
            ("unknown", "Not audited"),
            ("expiring_30", "Certificates expiring within 30 days"),
        ),
        "since": "Changes since the report of %s:",
        "first": "First report in this folder: no changes to show yet.",
        "none": "No change.",
        "not_ready": "Servers that need action:",
        "next": "next step",
        "all_ready": "Every server is ready.",
        "attached": "The full report is attached (%s): open it in a browser%s.",
        "filter": "; type %s in the search box to filter the table",
        "scope": " (%s)",
        "more": "... and %d more (see the attached report).",
    },
}
LISTED = 50  # hosts named per list in a message; the attached page has them all


class MailError(ValueError):
    """rnds_readiness_mail_to cannot be used; the message says why and what to write instead."""


def recipients(mail_to) -> list[tuple[str, list]]:
    """[(UF or "*", addresses)] from rnds_readiness_mail_to, checked."""
    if isinstance(mail_to, (list, tuple)):
        groups = [(ALL, list(mail_to))]
    elif isinstance(mail_to, dict):
        groups = [(str(uf).strip().upper() if uf != ALL else ALL, addresses) for uf, addresses in mail_to.items()]
    else:
        raise MailError(
            "rnds_readiness_mail_to must be a list of addresses or a dict UF -> list of addresses, not %s."
            % type(mail_to).__name__
        )
    for uf, addresses in groups:
        if isinstance(addresses, str):
            addresses = [addresses]
        bad = [a for a in addresses or [] if not isinstance(a, str) or "@" not in a or any(c in a for c in "\r\n")]
        where = "rnds_readiness_mail_to" + ("" if uf == ALL and isinstance(mail_to, list) else "[%s]" % uf)
        if not addresses or bad:
            raise MailError(
                "%s: %s. Give e-mail addresses such as coordenacao@saude.sp.gov.br."
                % (where, "no address" if not addresses else "not an e-mail address: %s" % ", ".join(map(repr, bad)))
            )
    return [(uf, [addresses] if isinstance(addresses, str) else list(addresses)) for uf, addresses in groups]


def _names(hosts: list, words: dict, labels: dict | None = None) -> list:
    """One line per host of a change list: its municipality/UF (the report's ``changes.labels``) and its id."""
    labels = labels or {}
    shown = ["- %s (%s)" % (labels[h], h) if labels.get(h) and labels[h] != h else "- %s" % h for h in hosts[:LISTED]]
    return shown + ([words["more"] % (len(hosts) - LISTED)] if len(hosts) > LISTED else [])


def body(rows: list, changes: dict, generated: str, language: str, uf: str, page: str) -> str:
    words = WORDS[language]
    counts = summary(rows)
    scope = words["scope"] % uf if uf != ALL else ""
    lines = [words["intro"] % (scope, show_time(generated, language)), ""]
    width = max(len(label) for _key, label in words["counts"])
    lines += ["%s %d" % ((label + ":").ljust(width + 1), counts[key]) for key, label in words["counts"]]
    lines.append("")
    in_scope = {row["host"] for row in rows}
    if changes.get("since"):
        lines.append(words["since"] % show_time(changes["since"], language))
        found = False
        for key in report.CHANGE_KEYS:
            hosts = [h for h in changes.get(key) or [] if h in in_scope or (key == "gone_hosts" and uf == ALL)]
            if hosts:
                found = True
                lines += ["%s (%d):" % (report.CHANGE_TEXT[language][key].capitalize(), len(hosts))]
                lines += _names(hosts, words, changes.get("labels"))
        lines += [] if found else [words["none"]]
    else:
        lines.append(words["first"])
    lines.append("")
    not_ready = [row for row in rows if row["ready"] is not True]
    if not_ready:
        lines.append(words["not_ready"])
        for row in not_ready[:LISTED]:
            label, step = report.PROBLEM_TEXT[language].get(row["problem"], (row["problem"], ""))
            place = ", ".join(str(v) for v in (row.get("municipality"), row.get("uf"), row.get("ibge")) if v)
            lines.append(
                "- %s%s: %s; %s: %s." % (row["host"], " (%s)" % place if place else "", label, words["next"], step)
            )
        lines += [words["more"] % (len(not_ready) - LISTED)] if len(not_ready) > LISTED else []
    else:
        lines.append(words["all_ready"])
    lines += ["", words["attached"] % (page, words["filter"] % uf if uf != ALL else "")]
    return "\n".join(lines) + "\n"


def messages(
    report_result: dict,
    hosts: list,
    readiness: dict,
    mail_to,
    generated: str = "",
    language: str = "pt-BR",
    attach_csv: bool = False,
) -> list[dict]:
    """One message per recipient group: {uf, to, subject, body, attach}. ``report_result`` is what
    esus.pec.readiness_report returned (changes, files); ``hosts``, ``readiness`` and ``generated`` what it was
    given."""
    if language not in WORDS:
        raise MailError("language must be one of %s, not %r." % (", ".join(WORDS), language))
    rows = [report.record(host, readiness.get(host), generated) for host in dict.fromkeys(hosts)]
    files = report_result.get("files") or []
    html = [f for f in files if f.endswith(report.HTML_NAME)]
    csv = [f for f in files if f.endswith(report.CSV_NAME)] if attach_csv else []
    out = []
    for uf, addresses in recipients(mail_to):
        chosen = rows if uf == ALL else [row for row in rows if str(row.get("uf") or "").upper() == uf]
        counts = summary(chosen)
        subject = WORDS[language]["subject"] % (
            WORDS[language]["scope"] % uf if uf != ALL else "",
            counts["ready"],
            counts["hosts"],
            counts["not_ready"],
            counts["unknown"],
            counts["expiring_30"],
        )
        page = os.path.basename(html[0]) if html else report.HTML_NAME
        text = body(chosen, report_result.get("changes") or {}, generated, language, uf, page)
        out.append({"uf": uf, "to": addresses, "subject": subject, "body": text, "attach": html + csv})
    return out
