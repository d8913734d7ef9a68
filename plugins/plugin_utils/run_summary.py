# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lines the deploy and the audit end with on the terminal: counts, then one line per host that was refused or
is not ready (municipality, host, IBGE code, the deciding code, the next step), in the report's language.

Private to the collection: it can change at any time; do not use it from other collections.

Read by the filters esus.pec.deploy_summary and esus.pec.readiness_summary, run once at the end of the play from
each host's registered result: no task per host. The next step of a code comes from the codes' tables
(readiness_codes.py); a refusal whose code is not in them (an inventory mistake, a deploy blocker) shows the
refusal's own message, which already says what to do.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CODE_TEXT, CODES, first

_WORDS = {
    "pt-BR": {
        "deploy": "RESUMO DO DEPLOY: %d servidor(es): %d alterado(s), %d sem mudança, %d recusado(s) (nada alterado "
        "neles), %d sem resposta",
        "readiness": "RESUMO DA AUDITORIA: %d servidor(es): %d pronto(s) para a RNDS, %d não pronto(s), %d não "
        "auditado(s)",
        "unreachable": "servidor sem resposta (inacessível ou a execução falhou antes do deploy)",
        "host": "%s (%s%s)",
        "ibge": ", IBGE %s",
    },
    "en": {
        "deploy": "DEPLOY SUMMARY: %d server(s): %d changed, %d unchanged, %d refused (left untouched), %d no answer",
        "readiness": "AUDIT SUMMARY: %d server(s): %d ready for the RNDS, %d not ready, %d not audited",
        "unreachable": "no answer from the server (unreachable, or the run failed before the deploy)",
        "host": "%s (%s%s)",
        "ibge": ", IBGE %s",
    },
}
UNREACHABLE = "host.unreachable"


def language_of(language: object) -> str:
    return "en" if str(language or "").lower().startswith("en") else "pt-BR"


def _get(variables, name: str):
    try:
        return variables.get(name) if isinstance(variables, Mapping) or hasattr(variables, "get") else None
    except Exception:  # a variable that cannot be templated is not a reason to lose the summary
        return None


def _who(host: str, variables, language: str) -> str:
    municipality = _get(variables, "rnds_readiness_municipality") or host
    ibge = _get(variables, "rnds_certificate_ibge_code")
    words = _WORDS[language]
    return words["host"] % (municipality, host, words["ibge"] % ibge if ibge else "")


def _step(code: str, message: str, language: str) -> str:
    """The code's next step from the codes' tables, else the refusal's own message."""
    if code in CODES and CODE_TEXT[language][code][1]:
        return CODE_TEXT[language][code][1]
    return (message or "").strip() or code


def deploy_code(result: Mapping) -> str:
    """The code that decided a refused deploy: a blocker, the certificate's verdict, or the refusal's own code."""
    if result.get("blockers"):
        return str(result["blockers"][0])
    if result.get("code"):
        return str(result["code"])
    verdict = result.get("verdict")
    if verdict and verdict not in ("ok", "expiring"):
        return "certificate.%s" % verdict
    return "deploy.failed"


def deploy_lines(hosts: list, hostvars, language: object = "pt-BR", result_name: str = "rnds_certificate_result"):
    """The deploy's summary: the counts, then each refused or unanswering host on one line."""
    language = language_of(language)
    changed = unchanged = 0
    problems = []
    for host in hosts:
        variables = hostvars.get(host, {})
        result = _get(variables, result_name)
        if not isinstance(result, Mapping) or result.get("unreachable"):
            problems.append((host, variables, UNREACHABLE, _WORDS[language]["unreachable"]))
        elif result.get("failed"):
            code = deploy_code(result)
            problems.append((host, variables, code, _step(code, str(result.get("msg") or ""), language)))
        elif result.get("changed"):
            changed += 1
        else:
            unchanged += 1
    unanswered = sum(1 for problem in problems if problem[2] == UNREACHABLE)
    counts = (len(hosts), changed, unchanged, len(problems) - unanswered, unanswered)
    lines = [_WORDS[language]["deploy"] % counts]
    lines += [
        "- %s: %s: %s" % (_who(host, variables, language), code, step) for host, variables, code, step in problems
    ]
    return lines


def readiness_lines(hosts: list, hostvars, language: object = "pt-BR", result_name: str = "__rnds_readiness_audit"):
    """The audit's summary: the counts, then each host not ready or not audited on one line (its first failing
    code and that code's next step)."""
    language = language_of(language)
    ready = 0
    problems = []
    for host in hosts:
        variables = hostvars.get(host, {})
        result = _get(variables, result_name)
        readiness = result.get("rnds_readiness") if isinstance(result, Mapping) else None
        if not isinstance(readiness, Mapping):
            problems.append((host, variables, "audit.not_audited", None))
            continue
        if readiness.get("ready"):
            ready += 1
            continue
        codes = list(readiness.get("codes") or [])
        problems.append((host, variables, first(codes) or (codes[0] if codes else "audit.not_audited"), readiness))
    not_audited = sum(1 for problem in problems if problem[3] is None)
    lines = [_WORDS[language]["readiness"] % (len(hosts), ready, len(problems) - not_audited, not_audited)]
    for host, variables, code, readiness in problems:
        message = ""
        if readiness is None:
            result = _get(variables, result_name)
            message = str(result.get("msg") or "") if isinstance(result, Mapping) else ""
        step = message.strip() or _step(code, "", language)  # a refused audit's own message says what to do
        lines.append("- %s: %s: %s" % (_who(host, variables, language), code, step))
    return lines
