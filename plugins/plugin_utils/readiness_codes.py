# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The codes the readiness checks answer with, and their words in each language.

A check (plugin_utils/readiness.py) says *what* with one stable dotted code (``certificate.expired``) and the
values its sentence needs (``days``, ``not_after``, ``path``...). This module says, for every code, which check
gives it, with which status, the problem group of the fleet report a host lands in when this code decides, and
what PEC's RNDS tab would most likely show. The words are data: one table per language
(``_code_text_en.py``, ``_code_text_pt_br.py``) maps each code to its sentence and the next step. Nothing
reads a sentence back into a meaning. docs/codes.md is generated from these tables (``codes_page``), and a unit
test fails when it differs.
"""

from __future__ import annotations

import string
from typing import NamedTuple

from ansible_collections.esus.pec.plugins.plugin_utils import _code_text_en, _code_text_pt_br

PASS = "pass"
FAIL = "fail"
WARN = "warn"
UNKNOWN = "unknown"

LANGUAGES = ("pt-BR", "en")
# The order a host's checks are read in: its first failing one decides its problem group and what PEC shows.
# The inventory's certificate comes before chaves: a bad file in the vault is fixed in e-Gestor AB or the vault,
# and a deploy would only fail on it (issue 23).
CHECK_ORDER = (
    "audit",
    "pec",
    "pec_config",
    "service",
    "inventory",
    "chaves",
    "certificate_file",
    "certificate",
    "renewal",
    "token",
    "network",
    "trust",
    "clock",
    "cadsus",
    "fact",
    "metrics",
)

# What PEC's RNDS tab ("Gestão Municipal > Certificados") shows.
CONNECTED = "Conexão bem-sucedida"
CERTIFICATE_FAILURE = "Falha no certificado"
CERTIFICATE_EXPIRED = "Certificado expirado"
NO_CONNECTION = "Sem conexão"
# issue 23: not a status of the RNDS tab, what an admin meets instead
PEC_DOWN = "PEC fora do ar (não abre)"
NOTHING_SENT = "Nada é enviado (instalação de treinamento ou incompleta)"
NOT_CONFIGURED = "Certificado não configurado"  # no certificate enabled yet: none in chaves to select


class Code(NamedTuple):
    check: str
    status: str
    group: str | None  # the report's problem group when this code decides; None: it decides no group
    pec_status: str | None  # what PEC would show when this code decides; None: it tells nothing about that


def _fail(check: str, group: str, pec_status: str = CERTIFICATE_FAILURE) -> Code:
    return Code(check, FAIL, group, pec_status)


def _fine(check: str, status: str = PASS, group: str | None = None) -> Code:
    return Code(check, status, group, CONNECTED)


def _unknown(check: str) -> Code:
    return Code(check, UNKNOWN, None, None)


CODES = {
    "audit.not_audited": Code("audit", UNKNOWN, "not_audited", None),
    "pec.installed": _fine("pec"),
    "pec.version_unknown": _fine("pec"),
    "pec.not_installed": _fail("pec", "pec_missing"),
    "pec.unreadable": _fail("pec", "no_permission"),
    "chaves.ok": _fine("chaves"),
    "chaves.descriptor_ok": _fine("chaves"),
    "chaves.missing": _fail("chaves", "chaves_missing", NOT_CONFIGURED),
    "chaves.not_a_folder": _fail("chaves", "chaves_missing", NOT_CONFIGURED),
    "chaves.unreadable": _fail("chaves", "no_permission"),
    "chaves.permissions": _fine("chaves", WARN, "chaves_permissions"),
    "chaves.descriptor": _fine("chaves", WARN, "chaves_permissions"),
    "chaves.owner_not_read": _unknown("chaves"),
    "chaves.descriptor_not_read": _unknown("chaves"),
    "chaves.not_checked": _unknown("chaves"),
    "certificate_file.ok": _fine("certificate_file"),
    "certificate_file.stray": _fine("certificate_file", WARN, "stray_files"),
    "certificate_file.missing": _fail("certificate_file", "no_certificate", NOT_CONFIGURED),
    "certificate_file.certificate_only": _fail("certificate_file", "certificate_only", NOT_CONFIGURED),
    "certificate_file.several": _fail("certificate_file", "several_certificates"),
    "certificate_file.unlistable": _fail("certificate_file", "no_permission"),
    "certificate_file.unreadable": _fail("certificate_file", "no_permission"),
    "certificate_file.no_chaves": _unknown("certificate_file"),
    "certificate_file.not_checked": _unknown("certificate_file"),
    # certificate.<verdict>: the PKCS#12 core's verdict (module_utils/_verdicts.py), one code each
    "certificate.ok": _fine("certificate"),
    "certificate.expiring": _fine("certificate", WARN, "expiring"),  # 30 days or less: expiring_30
    "certificate.expired": _fail("certificate", "expired", CERTIFICATE_EXPIRED),
    "certificate.not_yet_valid": _fail("certificate", "not_yet_valid"),
    "certificate.wrong_password": _fail("certificate", "wrong_password"),
    "certificate.unsupported_encryption": _fail("certificate", "unsupported_encryption"),
    "certificate.certificate_only": _fail("certificate", "certificate_only"),
    "certificate.no_private_key": _fail("certificate", "key_problem"),
    "certificate.key_mismatch": _fail("certificate", "key_problem"),
    "certificate.identity_mismatch": _fail("certificate", "other_cnpj"),
    "certificate.not_pkcs12": _fail("certificate", "not_pkcs12"),
    "certificate.corrupt": _fail("certificate", "corrupt"),
    "certificate.missing": _fail("certificate", "no_certificate", NOT_CONFIGURED),
    "certificate.invalid": _fail("certificate", "certificate_invalid"),  # a verdict this table does not know
    "certificate.not_checked": _unknown("certificate"),
    "token.accepted": _fine("token"),
    "token.refused": _fail("token", "token_rejected"),
    "token.failed": _fail("token", "token_rejected"),
    "token.unknown": _unknown("token"),
    "network.ok": _fine("network"),
    "network.unreachable": _fail("network", "no_connection", NO_CONNECTION),
    "network.not_checked": _unknown("network"),
    "network.no_endpoint": _unknown("network"),
    "fact.not_written": Code("fact", WARN, None, None),
    # issue 23: PEC as the installer left it (pec.config), its service, the UF's EHR host, the clock, CADSUS.
    # The cadsus.* codes are a second verdict (cadsus_ready): never in a host's RNDS codes, no group, no PEC status.
    "pec_config.ok": _fine("pec_config"),
    "pec_config.missing": _fine("pec_config", WARN),
    "pec_config.unreadable": _fine("pec_config", WARN),
    "pec_config.unfinished": _fail("pec_config", "pec_install", NOTHING_SENT),
    "pec_config.training": _fail("pec_config", "pec_install", NOTHING_SENT),
    "pec_config.other_root": _fail("pec_config", "pec_install"),
    "pec_config.too_old": _fail("pec_config", "pec_install", NOTHING_SENT),
    "pec_config.no_direct_sending": _fine("pec_config", WARN),
    "pec_config.not_checked": _unknown("pec_config"),
    "service.active": _fine("service"),
    "service.inactive": _fail("service", "pec_stopped", PEC_DOWN),
    "service.failed": _fail("service", "pec_stopped", PEC_DOWN),
    "service.not_installed": _fail("service", "pec_stopped", PEC_DOWN),
    "service.cannot_tell": _fine("service", WARN),
    "service.not_checked": _unknown("service"),
    "network.unresolved": _fail("network", "no_connection", NO_CONNECTION),
    "clock.ok": _fine("clock"),
    "clock.skewed": _fine("clock", WARN),
    "clock.not_checked": _unknown("clock"),
    "cadsus.ready": Code("cadsus", PASS, None, None),
    "cadsus.no_https": Code("cadsus", FAIL, None, None),
    "cadsus.no_govbr_login": Code("cadsus", FAIL, None, None),
    "cadsus.https_silent": Code("cadsus", WARN, None, None),
    "cadsus.https_expired": Code("cadsus", FAIL, None, None),
    "cadsus.https_ok": Code("cadsus", PASS, None, None),
    "cadsus.not_checked": _unknown("cadsus"),
    # issue 23 (wt-23b): the inventory's certificate (rnds_certificate_src) against the deployed one, the right
    # one among several in chaves, the reminder after a renewal. An inventory problem tells nothing of what PEC
    # shows (pec_status None): PEC shows what the deployed file gives.
    "inventory.not_configured": _unknown("inventory"),
    "inventory.same": _fine("inventory"),
    "inventory.not_deployed": _fine("inventory"),
    "inventory.differs": Code("inventory", WARN, "inventory_differs", None),
    "inventory.deploy_needed": Code("inventory", FAIL, "inventory_not_deployed", None),
    "inventory.not_vaulted": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.missing": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.vault_locked": Code("inventory", FAIL, "inventory_wrong_password", None),
    "inventory.wrong_password": Code("inventory", FAIL, "inventory_wrong_password", None),
    "inventory.expired": Code("inventory", FAIL, "inventory_expired", None),
    "inventory.not_yet_valid": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.unsupported_encryption": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.certificate_only": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.no_private_key": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.key_mismatch": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.identity_mismatch": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.not_pkcs12": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.corrupt": Code("inventory", FAIL, "inventory_invalid", None),
    "inventory.invalid": Code("inventory", FAIL, "inventory_invalid", None),
    "certificate_file.others": _fine("certificate_file", WARN, "other_certificates"),
    "renewal.select_in_pec": _fine("renewal", WARN, "select_in_pec"),
    # issue 23, item 3: the RNDS servers against PEC's own Java trust store (jre/current/lib/security/cacerts)
    "trust.ok": _fine("trust"),
    "trust.untrusted": _fail("trust", "untrusted_server", NO_CONNECTION),
    "trust.unknown": Code("trust", WARN, None, None),
    "trust.not_checked": _unknown("trust"),
    "trust.windows": _unknown("trust"),
    # issue 25: the Prometheus files the audit leaves on the host (plugin_utils/host_metrics.py)
    "metrics.not_written": Code("metrics", WARN, None, None),
    # issue 24b: why a host was not audited, read from the audit task's result (plugin_utils/_report_unaudited.py)
    "audit.unreachable": Code("audit", UNKNOWN, "unreachable", None),
    "audit.become_failed": Code("audit", UNKNOWN, "become_failed", None),
    "audit.no_python": Code("audit", UNKNOWN, "no_python", None),
    "audit.failed": Code("audit", UNKNOWN, "audit_failed", None),
    # end of issue 24b
}

CODE_TEXT = {"pt-BR": _code_text_pt_br.CODE_TEXT, "en": _code_text_en.CODE_TEXT}


class _Formatter(string.Formatter):
    """str.format, where ``{user: as %s}`` is `` as pecadmin`` for a value and nothing for None."""

    def format_field(self, value, format_spec: str) -> str:
        if "%s" in format_spec:
            return format_spec % value if value not in (None, "") else ""
        return super().format_field("?" if value is None else value, format_spec)

    def get_value(self, key, args, kwargs):
        return kwargs.get(key) if isinstance(key, str) else super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


def sentence(code: str, values: dict | None, language: str = "en") -> str:
    """What the code says of this host, in ``language``, formatted with its values (no next step)."""
    return _FORMATTER.vformat(CODE_TEXT[language][code][0], (), values or {})


def reason(code: str, values: dict | None, language: str = "en") -> str:
    """The sentence, and the next step of a failing or warning code, as an operator reads them:
    ``<sentence>: <next step>.`` The next step is formatted with the same values (it may name a file)."""
    said = sentence(code, values, language)
    step = _FORMATTER.vformat(CODE_TEXT[language][code][1], (), values or {})
    return "%s: %s." % (said, step) if step and CODES[code].status in (FAIL, WARN) else "%s." % said


def first(codes: list, status: str = FAIL) -> str | None:
    """The first of ``codes`` with ``status``, in CHECK_ORDER (codes this table does not know are skipped)."""
    known = [c for c in codes if c in CODES and CODES[c].status == status]
    return min(known, key=lambda c: CHECK_ORDER.index(CODES[c].check), default=None)


def predict_pec_status(codes: list) -> str:
    """What PEC's RNDS tab would most likely show: an expired certificate first (PEC says so whatever else is
    wrong), else what the first failing check that tells something of PEC implies, else a successful connection
    (a failing check that tells nothing of PEC, such as a bad certificate in the inventory, changes nothing there).
    """
    if "certificate.expired" in codes:
        return CERTIFICATE_EXPIRED
    telling = [c for c in codes if c in CODES and CODES[c].pec_status is not None]
    failing = first(telling)
    return CODES[failing].pec_status if failing else CONNECTED
