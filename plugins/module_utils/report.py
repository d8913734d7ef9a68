# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report: readiness records in, one report document out, written as JSON, CSV and an HTML page.

Plain functions, no Ansible objects. ``build()`` makes the document (hosts, counts, problem groups, the
certificate expiry timeline and the changes since the previous report); ``to_json``, ``to_csv`` and
``to_html`` write it. The JSON keys are English and stable (machines read them); the CSV and the page are for
people, in pt-BR by default. The end of the file handles the report folder: the history of previous reports
and the merge of partial reports (AWX job slices).
"""

from __future__ import annotations

import base64
import csv
import datetime
import glob
import hashlib
import io
import json
import os
import re
import traceback
from typing import NamedTuple

try:
    import jinja2
    from markupsafe import Markup

    HAS_JINJA2 = True
    JINJA2_IMPORT_ERROR = None
    TEMPLATE_ERROR = jinja2.TemplateError
except ImportError:
    HAS_JINJA2 = False
    JINJA2_IMPORT_ERROR = traceback.format_exc()
    TEMPLATE_ERROR = Exception
    Markup = str

LANGUAGES = ("pt-BR", "en")
JSON_NAME = "readiness.json"
CSV_NAME = "readiness.csv"
HTML_NAME = "readiness.html"
HISTORY_FOLDER = "history"
WEEKS = 13  # the timeline's span: 13 weeks covers the 90 days a renewal is planned in

# One record per host in readiness.json. The first twelve are the keys of the first report format.
FIELDS = (
    "host",
    "ready",
    "verdict",
    "days_left",
    "pec_status",
    "municipality",
    "ibge",
    "uf",
    "pec_version",
    "not_after",
    "cnpj",
    "reasons",
    "problem",
    "checks",
    "fingerprint_sha256",
    "audited",
)
# Differs on every run while saying nothing new about the host: ignored when deciding whether to rewrite.
VOLATILE = ("audited",)
NOT_AUDITED_REASON = "the host could not be audited (unreachable or the audit failed)"

# Problem groups, in the order a host is classified (its first failing check decides) and the page lists them.
PROBLEMS = (
    "not_audited",
    "no_permission",
    "pec_missing",
    "chaves_missing",
    "no_certificate",
    "several_certificates",
    "certificate_only",
    "not_pkcs12",
    "wrong_password",
    "expired",
    "not_yet_valid",
    "corrupt",
    "key_problem",
    "unsupported_encryption",
    "other_cnpj",
    "certificate_invalid",
    "token_rejected",
    "no_connection",
    "not_ready_other",
    "expiring_30",
    "expiring",
    "chaves_permissions",
    "stray_files",
    "ok",
)
READY_PROBLEMS = ("expiring_30", "expiring", "chaves_permissions", "stray_files", "ok")

# The certificate check failed: its verdict (plugins/module_utils/_verdicts.py) names the problem.
VERDICT_PROBLEMS = {
    "expired": "expired",
    "not_yet_valid": "not_yet_valid",
    "wrong_password": "wrong_password",
    "corrupt": "corrupt",
    "not_pkcs12": "not_pkcs12",
    "certificate_only": "certificate_only",
    "no_private_key": "key_problem",
    "key_mismatch": "key_problem",
    "unsupported_encryption": "unsupported_encryption",
    "identity_mismatch": "other_cnpj",
    "missing": "no_certificate",
}
# A failing pec, chaves or certificate_file check says which problem in its reason (readiness.py writes them;
# tests/unit/plugins/module_utils/test_report.py runs the real checks, so a reworded reason fails there).
REASON_PROBLEMS = {
    "pec": (("no_permission", r"^Cannot look at"),),
    "chaves": (("no_permission", r"^Cannot look at"),),
    "certificate_file": (
        ("no_permission", r"^Cannot (list|read)"),
        ("several_certificates", r"^\d+ certificates in chaves"),
        ("certificate_only", r"^Only .* in chaves"),
    ),
}
FAILED_CHECK_PROBLEMS = {
    "pec": "pec_missing",
    "chaves": "chaves_missing",
    "certificate_file": "no_certificate",
    "token": "token_rejected",
    "network": "no_connection",
}

PROBLEM_TEXT = {  # problem: (label, next step)
    "pt-BR": {
        "not_audited": (
            "Servidor não auditado (inacessível)",
            "confira se o servidor está ligado e acessível (SSH ou WinRM) com a conta do Ansible e rode a auditoria "
            "de novo",
        ),
        "no_permission": (
            "Sem permissão para ler o PEC ou a pasta chaves",
            "rode a auditoria com become (esus_pec_become: true, sudo no servidor) ou, no Windows, como administrador",
        ),
        "pec_missing": (
            "PEC não instalado",
            "instale o e-SUS APS PEC ou confira a pasta do PEC no inventário (rnds_certificate_pec_root)",
        ),
        "chaves_missing": (
            "Pasta chaves ausente",
            "rode o deploy (esus.pec.deploy): ele cria a pasta chaves e coloca o certificado",
        ),
        "no_certificate": (
            "Sem certificado na pasta chaves",
            "guarde o .pfx do município no inventário (ansible-vault) e rode o deploy",
        ),
        "several_certificates": (
            "Vários certificados",
            "deixe só o do município: rode o deploy com rnds_certificate_remove_others: true",
        ),
        "certificate_only": (
            "Certificado sem chave privada (.cer/.crt)",
            "o PEC precisa do .pfx/.p12 com a chave privada, exportado do e-Gestor AB; troque o arquivo e rode o "
            "deploy",
        ),
        "not_pkcs12": (
            "Arquivo não é um certificado .pfx",
            "exporte o certificado com a chave privada (.pfx/.p12) do e-Gestor AB e rode o deploy",
        ),
        "wrong_password": (
            "Senha errada",
            "confira a senha do certificado no inventário (vault) e rode o deploy de novo",
        ),
        "expired": ("Certificado vencido", "peça um novo certificado no e-Gestor AB e rode o deploy"),
        "not_yet_valid": (
            "Certificado ainda não válido",
            "confira o relógio do controlador ou espere a data de início do certificado",
        ),
        "corrupt": (
            "Arquivo do certificado danificado",
            "não mude a senha: baixe ou exporte de novo o .pfx original, cifre com o ansible-vault e rode o deploy",
        ),
        "key_problem": (
            "Chave privada ausente ou de outro certificado",
            "exporte de novo o certificado junto com a sua chave privada e rode o deploy",
        ),
        "unsupported_encryption": (
            "Criptografia ou senha que o PEC não aceita",
            "exporte de novo com as opções padrão (AES) e uma senha sem acentos, guarde-a no vault e rode o deploy",
        ),
        "other_cnpj": (
            "Certificado de outro CNPJ",
            "confira qual arquivo vai para este servidor: o certificado é de outra entidade",
        ),
        "certificate_invalid": ("Certificado com outro problema", "leia os motivos de cada servidor"),
        "token_rejected": (
            "RNDS recusou o certificado",
            "confira se o certificado do município está habilitado na RNDS (e-Gestor AB)",
        ),
        "no_connection": (
            "Sem conexão com a RNDS",
            "libere a saída do servidor para ehr-auth.saude.gov.br, porta 443 (firewall, proxy, DNS)",
        ),
        "not_ready_other": ("Outro problema", "leia os motivos de cada servidor"),
        "expiring_30": (
            "Certificado vence em até 30 dias",
            "peça a renovação no e-Gestor AB agora e rode o deploy com o novo certificado",
        ),
        "expiring": (
            "Certificado perto de vencer",
            "peça a renovação no e-Gestor AB e rode o deploy com o novo certificado",
        ),
        "chaves_permissions": (
            "Pasta chaves com dono ou permissão diferente",
            "rode o deploy: ele acerta o dono e as permissões",
        ),
        "stray_files": (
            "Arquivo .cer/.crt a mais na pasta chaves",
            "o PEC o ignora; pode ser removido",
        ),
        "ok": ("Pronto", "nada a fazer"),
    },
    "en": {
        "not_audited": (
            "Host not audited (unreachable)",
            "check that the host is up and reachable (SSH or WinRM) with Ansible's account, then audit again",
        ),
        "no_permission": (
            "No permission to read PEC or the chaves folder",
            "run the audit with become (esus_pec_become: true, sudo on the host) or, on Windows, as an administrator",
        ),
        "pec_missing": (
            "PEC not installed",
            "install e-SUS APS PEC or check the PEC folder in the inventory (rnds_certificate_pec_root)",
        ),
        "chaves_missing": (
            "No chaves folder",
            "run the deploy (esus.pec.deploy): it creates chaves and puts the certificate in it",
        ),
        "no_certificate": (
            "No certificate in chaves",
            "keep the municipality's .pfx in the inventory (ansible-vault) and run the deploy",
        ),
        "several_certificates": (
            "Several certificates",
            "keep only the municipality's: run the deploy with rnds_certificate_remove_others: true",
        ),
        "certificate_only": (
            "Certificate without its private key (.cer/.crt)",
            "PEC needs the .pfx/.p12 with the private key from e-Gestor AB; replace the file and run the deploy",
        ),
        "not_pkcs12": (
            "Not a .pfx certificate file",
            "export the certificate with its private key (.pfx/.p12) from e-Gestor AB and run the deploy",
        ),
        "wrong_password": (
            "Wrong password",
            "check the certificate's password in the inventory (vault) and run the deploy again",
        ),
        "expired": ("Certificate expired", "request a new certificate in e-Gestor AB and run the deploy"),
        "not_yet_valid": (
            "Certificate not valid yet",
            "check the controller's clock or wait for the certificate's start date",
        ),
        "corrupt": (
            "Certificate file damaged",
            "do not change the password: download or export the original .pfx again, vault it and run the deploy",
        ),
        "key_problem": (
            "Private key missing or not the certificate's",
            "export the certificate again together with its own private key and run the deploy",
        ),
        "unsupported_encryption": (
            "Encryption or password PEC does not accept",
            "export again with standard settings (AES) and an unaccented password, vault it and run the deploy",
        ),
        "other_cnpj": (
            "Another entity's CNPJ",
            "check which file goes to this host: the certificate belongs to another entity",
        ),
        "certificate_invalid": ("Other certificate problem", "read each host's reasons"),
        "token_rejected": (
            "RNDS rejected the certificate",
            "check that the municipality's certificate is enabled for the RNDS (e-Gestor AB)",
        ),
        "no_connection": (
            "No connection to the RNDS",
            "open the host's way out to ehr-auth.saude.gov.br, port 443 (firewall, proxy, DNS)",
        ),
        "not_ready_other": ("Other problem", "read each host's reasons"),
        "expiring_30": (
            "Certificate expires within 30 days",
            "request the renewal in e-Gestor AB now and deploy the new certificate",
        ),
        "expiring": ("Certificate expiring soon", "request the renewal in e-Gestor AB and deploy the new certificate"),
        "chaves_permissions": (
            "chaves has another owner or mode",
            "run the deploy: it sets the owner and permissions",
        ),
        "stray_files": ("An extra .cer/.crt in chaves", "PEC ignores it; it can be removed"),
        "ok": ("Ready", "nothing to do"),
    },
}

CHANGE_KEYS = ("newly_not_ready", "fixed", "renewed", "new_hosts", "gone_hosts")
CHANGE_TEXT = {
    "pt-BR": {
        "newly_not_ready": "deixou de estar pronto",
        "fixed": "corrigido",
        "renewed": "certificado renovado",
        "new_hosts": "novo no relatório",
        "gone_hosts": "saiu do relatório",
    },
    "en": {
        "newly_not_ready": "newly not ready",
        "fixed": "fixed",
        "renewed": "certificate renewed",
        "new_hosts": "new in the report",
        "gone_hosts": "gone from the report",
    },
}

# The CSV's columns; the English headers are the JSON's keys.
CSV_COLUMNS = (
    "host",
    "municipality",
    "uf",
    "ibge",
    "ready",
    "problem",
    "next_step",
    "change",
    "days_left",
    "not_after",
    "verdict",
    "pec_status",
    "pec_version",
    "cnpj",
    "reasons",
)
CSV_HEADERS = {
    "pt-BR": {
        "host": "servidor",
        "municipality": "município",
        "uf": "UF",
        "ibge": "IBGE",
        "ready": "pronto",
        "problem": "problema",
        "next_step": "próximo passo",
        "change": "mudança",
        "days_left": "dias até vencer",
        "not_after": "vence em",
        "verdict": "veredito",
        "pec_status": "status no PEC",
        "pec_version": "versão do PEC",
        "cnpj": "CNPJ",
        "reasons": "motivos",
    },
    "en": {column: column for column in CSV_COLUMNS},
}
# Excel in Brazil splits on ';' (',' is the decimal mark); both open UTF-8 only with the byte order mark.
CSV_DELIMITER = {"pt-BR": ";", "en": ","}
READY_TEXT = {
    "pt-BR": {True: "sim", False: "não", None: "não auditado"},
    "en": {True: "yes", False: "no", None: "not audited"},
}

# The page's own words; the template reads them as t.<key>.
PAGE_TEXT = {
    "pt-BR": {
        "title": "Prontidão dos servidores PEC para a RNDS",
        "generated": "Gerado em",
        "by": "pelo esus.pec",
        "merged": "Junção de %d relatórios parciais",
        "cards": {
            "ready": "Prontos",
            "not_ready": "Não prontos",
            "unknown": "Não auditados",
            "expiring_30": "Vencem em 30 dias",
            "expiring_60": "Vencem em 60 dias",
            "expiring_90": "Vencem em 90 dias",
        },
        "groups": "O que fazer, por problema",
        "group": "Problema",
        "hosts_count": "Servidores",
        "next_step": "Próximo passo",
        "servers": "servidores",
        "show": "mostrar",
        "changes": "Mudanças desde o relatório de",
        "changes_title": "Mudanças",
        "no_previous": "Primeiro relatório nesta pasta: nada a comparar ainda.",
        "no_changes": "Nenhuma mudança.",
        "and_more": "e mais %d (veja o readiness.json)",
        "timeline": "Certificados que vencem nas próximas 13 semanas",
        "timeline_desc": "Uma barra por semana, com o número de certificados que vencem nela; linhas em 30, 60 e 90 "
        "dias.",
        "timeline_bar": "%d certificado(s) vencem de %s a %s",
        "days": "dias",
        "expired_already": "Já vencidos: %d",
        "table": "Servidores",
        "filter": "Filtrar",
        "filter_placeholder": "servidor, município, UF, IBGE, motivo...",
        "all_groups": "Todos os problemas",
        "all_changes": "Todas as mudanças",
        "any_change": "Com alguma mudança",
        "shown": "de %d servidores mostrados",
        "columns": {
            "host": "Servidor",
            "municipality": "Município",
            "uf": "UF",
            "ibge": "IBGE",
            "ready": "Pronto",
            "problem": "Problema",
            "change": "Mudança",
            "days": "Dias até vencer",
            "expires": "Vence em",
            "pec_status": "O PEC mostraria",
            "reasons": "Motivos (da auditoria)",
        },
    },
    "en": {
        "title": "RNDS readiness of the PEC servers",
        "generated": "Generated",
        "by": "by esus.pec",
        "merged": "Merged from %d partial reports",
        "cards": {
            "ready": "Ready",
            "not_ready": "Not ready",
            "unknown": "Not audited",
            "expiring_30": "Expire in 30 days",
            "expiring_60": "Expire in 60 days",
            "expiring_90": "Expire in 90 days",
        },
        "groups": "What to do, by problem",
        "group": "Problem",
        "hosts_count": "Hosts",
        "next_step": "Next step",
        "servers": "hosts",
        "show": "show",
        "changes": "Changes since the report of",
        "changes_title": "Changes",
        "no_previous": "First report in this folder: nothing to compare with yet.",
        "no_changes": "No changes.",
        "and_more": "and %d more (see readiness.json)",
        "timeline": "Certificates expiring in the next 13 weeks",
        "timeline_desc": "One bar per week with the number of certificates expiring in it; lines at 30, 60 and 90 "
        "days.",
        "timeline_bar": "%d certificate(s) expire from %s to %s",
        "days": "days",
        "expired_already": "Already expired: %d",
        "table": "Hosts",
        "filter": "Filter",
        "filter_placeholder": "host, municipality, UF, IBGE, reason...",
        "all_groups": "All problems",
        "all_changes": "All changes",
        "any_change": "Any change",
        "shown": "of %d hosts shown",
        "columns": {
            "host": "Host",
            "municipality": "Municipality",
            "uf": "UF",
            "ibge": "IBGE",
            "ready": "Ready",
            "problem": "Problem",
            "change": "Change",
            "days": "Days left",
            "expires": "Expires on",
            "pec_status": "PEC would show",
            "reasons": "Reasons (from the audit)",
        },
    },
}
MONTHS = {
    "pt-BR": ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
CHANGES_LISTED = 200  # hosts named per change on the page; the JSON has them all


class ReportError(Exception):
    """A file that cannot be used as a readiness report; the message names the file."""


# --- records ---------------------------------------------------------------------------------------------


def _failing_check_problem(name: str, reason: str) -> str:
    for problem, pattern in REASON_PROBLEMS.get(name, ()):
        if re.search(pattern, reason or ""):
            return problem
    return FAILED_CHECK_PROBLEMS.get(name, "not_ready_other")


def classify(readiness: dict | None) -> str:
    """The one problem group of a host: its first failing check decides; a ready host's first warning."""
    if readiness is None:
        return "not_audited"
    checks = {c.get("name"): c for c in readiness.get("checks") or []}
    for name in ("pec", "chaves", "certificate_file", "certificate", "token", "network"):
        found = checks.get(name) or {}
        if found.get("status") != "fail":
            continue
        if name == "certificate":
            return VERDICT_PROBLEMS.get(readiness.get("verdict") or "", "certificate_invalid")
        return _failing_check_problem(name, found.get("reason") or "")
    if readiness.get("ready") is False:
        return "not_ready_other"
    days = readiness.get("days_left")
    if days is not None and days <= 30:
        return "expiring_30"
    if readiness.get("verdict") == "expiring":
        return "expiring"
    if (checks.get("chaves") or {}).get("status") == "warn":
        return "chaves_permissions"
    if (checks.get("certificate_file") or {}).get("status") == "warn":
        return "stray_files"
    return "ok"


def record(host: str, readiness: dict | None, audited: str = "") -> dict:
    """One report row; a host with no readiness (unreachable, audit failed) has ready = None."""
    if readiness is None:
        return dict(
            dict.fromkeys(FIELDS),
            host=host,
            reasons=[NOT_AUDITED_REASON],
            problem="not_audited",
            checks={},
            audited=audited or None,
        )
    row = {field: readiness.get(field) for field in FIELDS}
    row.update(
        host=host,
        reasons=list(readiness.get("reasons") or []),
        problem=classify(readiness),
        checks={c["name"]: c["status"] for c in readiness.get("checks") or [] if "name" in c},
        fingerprint_sha256=(readiness.get("certificate") or {}).get("fingerprint_sha256"),
        audited=audited or None,
    )
    return row


def normalize(row: dict, audited: str | None = None) -> dict:
    """A record read from a readiness.json (maybe of the first format, without problem or checks)."""
    out = {field: row.get(field) for field in FIELDS}
    out["reasons"] = list(row.get("reasons") or [])
    out["checks"] = dict(row.get("checks") or {})
    out["audited"] = row.get("audited") or audited or None
    if out["problem"] not in PROBLEMS:
        out["problem"] = _problem_of_old_record(out)
    return out


def _problem_of_old_record(row: dict) -> str:
    if row["ready"] is None:
        return "not_audited"
    if row["ready"] is False:
        if row["verdict"] in VERDICT_PROBLEMS:
            return VERDICT_PROBLEMS[row["verdict"]]
        return "no_connection" if row["pec_status"] == "Sem conexão" else "not_ready_other"
    days = row["days_left"]
    if days is not None and days <= 30:
        return "expiring_30"
    return "expiring" if row["verdict"] == "expiring" else "ok"


# --- the document ----------------------------------------------------------------------------------------


def summary(rows: list) -> dict:
    """The counts of the first report format (kept as they were: scripts and tests read them)."""

    def within(limit: int) -> int:
        return sum(1 for r in rows if r["days_left"] is not None and 0 <= r["days_left"] <= limit)

    return {
        "hosts": len(rows),
        "ready": sum(1 for r in rows if r["ready"] is True),
        "not_ready": sum(1 for r in rows if r["ready"] is False),
        "unknown": sum(1 for r in rows if r["ready"] is None),
        "expiring_30": within(30),
        "expiring_90": within(90),
    }


def groups(rows: list) -> dict:
    """Hosts per problem, every problem listed (0 included), in PROBLEMS order."""
    counts = dict.fromkeys(PROBLEMS, 0)
    for row in rows:
        counts[row["problem"]] = counts.get(row["problem"], 0) + 1
    return counts


def expiring(rows: list) -> dict:
    """Certificates by days left: within 30/60/90 days, already expired, and per week for the next 13 weeks."""
    days = [r["days_left"] for r in rows if r["days_left"] is not None]
    by_week = [0] * WEEKS
    for left in days:
        if 0 <= left < 7 * WEEKS:
            by_week[left // 7] += 1
    return {
        "expired": sum(1 for left in days if left < 0),
        "within_30": sum(1 for left in days if 0 <= left <= 30),
        "within_60": sum(1 for left in days if 0 <= left <= 60),
        "within_90": sum(1 for left in days if 0 <= left <= 90),
        "by_week": by_week,
    }


def _renewed(before: dict, now: dict) -> bool:
    for key in ("fingerprint_sha256", "not_after"):
        old, new = before.get(key), now.get(key)
        if old and new and old != new:
            return True
    return False


def compare(rows: list, previous: dict | None) -> dict:
    """What changed since ``previous`` (a report document): hosts that stopped or started being ready, renewed
    certificates, hosts new to or gone from the report. "Not ready" includes "could not be audited"."""
    found = {"since": None, **{key: [] for key in CHANGE_KEYS}}
    if previous is None:
        return found
    before = {r["host"]: r for r in previous.get("hosts") or []}
    now = {r["host"]: r for r in rows}
    common = sorted(set(now) & set(before))
    found["since"] = previous.get("generated") or None
    found["newly_not_ready"] = [h for h in common if before[h].get("ready") is True and now[h]["ready"] is not True]
    found["fixed"] = [h for h in common if before[h].get("ready") is not True and now[h]["ready"] is True]
    found["renewed"] = [h for h in common if _renewed(before[h], now[h])]
    found["new_hosts"] = sorted(set(now) - set(before))
    found["gone_hosts"] = sorted(set(before) - set(now))
    return found


def host_changes(changes: dict) -> dict:
    """Host: the change keys that concern it (gone hosts have no row)."""
    per_host: dict = {}
    for key in CHANGE_KEYS[:-1]:
        for host in changes.get(key) or []:
            per_host.setdefault(host, []).append(key)
    return per_host


def build(
    rows: list,
    generated: str,
    previous: dict | None = None,
    language: str = "pt-BR",
    merged_from: list | None = None,
) -> dict:
    """The report document: what readiness.json holds, and what the CSV and the page are made from."""
    if language not in LANGUAGES:
        raise ValueError("language must be one of %s, not %r" % (", ".join(LANGUAGES), language))
    rows = sorted(rows, key=lambda row: row["host"])
    return {
        "generated": generated,
        "language": language,
        "summary": summary(rows),
        "groups": groups(rows),
        "expiring": expiring(rows),
        "changes": compare(rows, previous),
        "merged_from": list(merged_from or []),
        "hosts": rows,
    }


def to_json(document: dict) -> str:
    """Indented, with one host per line: readable, diffable, and written by json's C encoder (a fully indented
    dump goes through the pure-Python one: 5,570 hosts in 201 ms instead of 94)."""
    head = json.dumps({k: v for k, v in document.items() if k != "hosts"}, indent=2, ensure_ascii=False)
    hosts = ",\n    ".join(json.dumps(row, ensure_ascii=False) for row in document["hosts"])
    return '%s,\n  "hosts": [%s]\n}\n' % (head[:-2], "\n    %s\n  " % hosts if hosts else "")


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
            problem=label,
            next_step=step,
            change=", ".join(change_text[key] for key in per_host.get(row["host"], [])),
            reasons=" | ".join(row["reasons"]),
        )
        writer.writerow(["" if cells[c] is None else _spreadsheet_safe(cells[c]) for c in CSV_COLUMNS])
    return out.getvalue()


# --- the page --------------------------------------------------------------------------------------------


def parse_time(text: str | None) -> datetime.datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime (a naive one is taken as UTC); None if it is not one."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def show_date(day: datetime.date, language: str) -> str:
    month = MONTHS[language][day.month - 1]
    return "%02d %s" % (day.day, month) if language == "pt-BR" else "%s %02d" % (month, day.day)


def show_time(text: str | None, language: str, with_time: bool = True) -> str:
    value = parse_time(text)
    if value is None:
        return text or ""
    if language == "pt-BR":
        return value.strftime("%d/%m/%Y %H:%M UTC" if with_time else "%d/%m/%Y")
    return value.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")


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


def page_order(counts: dict) -> list:
    """Problems as the page lists them: hosts that need work first, the largest group first; then the ready
    ones with something to watch; then ok."""
    return sorted(PROBLEMS, key=lambda p: (p == "ok", p in READY_PROBLEMS, -counts.get(p, 0), PROBLEMS.index(p)))


class PageRow(NamedTuple):
    """One host as the page's table shows it (a tuple: the template reads 5,570 of them quickly)."""

    host: str
    municipality: str
    uf: str
    ibge: str
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
                reasons=" ".join(row["reasons"]),
            )
        )
    out.sort(key=lambda r: (r.problem_sort, r.host))
    return out


def page_context(document: dict) -> dict:
    """Everything the template shows, in the document's language."""
    language = document["language"]
    counts = document["groups"]
    problems = PROBLEM_TEXT[language]
    shown = [p for p in page_order(counts) if counts.get(p)]
    changes = document["changes"]
    reference = parse_time(document["generated"]) or datetime.datetime.now(datetime.timezone.utc)
    summary_ = dict(document["summary"], expiring_60=document["expiring"]["within_60"])
    return {
        "lang": language,
        "t": PAGE_TEXT[language],
        "generated": show_time(document["generated"], language),
        "merged_from": document.get("merged_from") or [],
        "cards": [
            (key, PAGE_TEXT[language]["cards"][key], summary_[key])
            for key in ("ready", "not_ready", "unknown", "expiring_30", "expiring_60", "expiring_90")
        ],
        "groups": [
            {
                "key": p,
                "label": problems[p][0],
                "next_step": problems[p][1],
                "count": counts[p],
                "kind": "ok" if p == "ok" else "warn" if p in READY_PROBLEMS else "bad",
            }
            for p in shown
        ],
        "since": show_time(changes.get("since"), language) if changes.get("since") else "",
        "has_previous": bool(changes.get("since")) or any(changes.get(key) for key in CHANGE_KEYS),
        "changes": [
            {
                "key": key,
                "label": CHANGE_TEXT[language][key],
                "count": len(changes.get(key) or []),
                "hosts": (changes.get(key) or [])[:CHANGES_LISTED],
                "more": max(0, len(changes.get(key) or []) - CHANGES_LISTED),
            }
            for key in CHANGE_KEYS
        ],
        "expiring": document["expiring"],
        "chart": timeline_chart(document["expiring"], reference.date(), language),
        "rows": _page_rows(document),
        "total": len(document["hosts"]),
    }


def _csp_hash(text: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script or style."""
    digest = base64.b64encode(hashlib.sha256(str(text).encode("utf-8")).digest()).decode("ascii")
    return Markup("'sha256-%s'" % digest)  # base64 and quotes only: safe in the attribute as it is


def to_html(document: dict, template: str) -> str:
    """The page, rendered from ``template`` (Jinja2 source) with autoescape on."""
    if not HAS_JINJA2:
        raise RuntimeError("jinja2 is needed to write readiness.html")
    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    environment.filters["csp_hash"] = _csp_hash
    return environment.from_string(template).render(**page_context(document))


# --- the report folder: history and merge ----------------------------------------------------------------


def history_stamp(generated: str | None, fallback: float) -> str:
    """A file-name-safe UTC timestamp (20261125T060000Z): the report's own, or ``fallback`` (an mtime)."""
    when = parse_time(generated) or datetime.datetime.fromtimestamp(fallback, datetime.timezone.utc)
    return when.strftime("%Y%m%dT%H%M%SZ")


_HISTORY_FILE = re.compile(r"^readiness-(\d{8}T\d{6}Z)(?:-(\d+))?\.json$")


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


def expand_parts(paths: list) -> list:
    """The partial reports' paths, a glob pattern (``*``, ``?``, ``[``) expanded in sorted order; one that matches
    nothing is an error (a slice that wrote no report must not go unnoticed)."""
    found = []
    for path in paths:
        if glob.has_magic(path):
            matches = sorted(glob.glob(path))
            if not matches:
                raise ReportError("%s matches no file: no partial report there." % path)
            found.extend(matches)
        else:
            found.append(path)
    return found


def load_report(path: str) -> dict:
    """A readiness.json as a document (records normalized); ReportError naming the file otherwise."""
    if os.path.isdir(path):
        path = os.path.join(path, JSON_NAME)
    what = "it is not a readiness report (the readiness.json esus.pec.readiness_report writes)"
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ReportError("%s: no such file. Give the readiness.json of each partial report." % path) from None
    except OSError as exc:
        raise ReportError("%s: cannot be read (%s)." % (path, exc.strerror or exc)) from None
    except ValueError as exc:
        raise ReportError("%s is not JSON (%s): %s." % (path, exc, what)) from None
    if not isinstance(data, dict) or not isinstance(data.get("hosts"), list) or "summary" not in data:
        raise ReportError("%s: %s; it has no 'summary' and 'hosts'." % (path, what))
    if not isinstance(data.get("generated"), str):
        raise ReportError("%s: %s; it has no 'generated' timestamp." % (path, what))
    hosts = data["hosts"]
    bad = [i for i, row in enumerate(hosts) if not isinstance(row, dict) or not isinstance(row.get("host"), str)]
    if bad:
        raise ReportError("%s: %s; host record %d has no host name." % (path, what, bad[0] + 1))
    data["hosts"] = [normalize(row, data["generated"] or None) for row in hosts]
    return data


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


def _when(text: str | None) -> datetime.datetime:
    return parse_time(text) or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)


def merge(documents: list) -> tuple:
    """(rows, generated) of the union of partial reports: a host in several takes the record audited last
    (on a tie, the later report in the list); generated is the latest of the parts'."""
    chosen: dict = {}
    for document in documents:
        for row in document["hosts"]:
            audited = _when(row["audited"])
            held = chosen.get(row["host"])
            if held is None or audited >= held[0]:
                chosen[row["host"]] = (audited, row)
    latest = max((document["generated"] for document in documents), key=_when, default="")
    return [row for _when_, row in chosen.values()], latest


def unchanged(document: dict, previous: dict | None) -> bool:
    """True when ``previous`` says the same of every host in the same language (only timestamps differ)."""
    if previous is None or previous.get("language") != document["language"]:
        return False

    def stable(rows: list) -> list:
        return [{k: v for k, v in row.items() if k not in VOLATILE} for row in rows]

    return stable(previous["hosts"]) == stable(document["hosts"])
