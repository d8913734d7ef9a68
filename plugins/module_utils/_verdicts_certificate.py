# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The messages about a certificate whose key Java (PEC) uses: its dates and identity (CNPJ), expiring,
valid; and the note on a certificate that is not strict DER.

Private to the collection: no stability promise outside esus.pec. Every message says what is wrong,
where (``label`` names the host and the file) and what to do next. Standard library only.
"""

from __future__ import annotations

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._verdicts import (
        EXPIRED,
        EXPIRING,
        IDENTITY_MISMATCH,
        NOT_YET_VALID,
    )
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _verdicts import EXPIRED, EXPIRING, IDENTITY_MISMATCH, NOT_YET_VALID


def non_standard_certificate(label: str, own: bool, subject: str, what: list[str]) -> str:
    """A note: Java (PEC) reads the certificate; stricter tools (OpenSSL 3, Python's cryptography) may not."""
    return (
        "%s: the %s certificate '%s' is not strict DER (%s). Java, which PEC uses, reads it as it is, so PEC can "
        "use the file; stricter tools may refuse it. When it is renewed, ask the issuer for a standard encoding."
        % (label, "municipality's" if own else "chain's", subject, ", ".join(what))
    )


def date_and_identity_findings(
    label: str, certificate: dict, expired: bool, early: bool, wanted: str | None, wanted_text: str
) -> list[tuple[str, str]]:
    """(verdict, message) for each problem with dates and identity, most serious first."""
    findings = []
    if early:
        findings.append(
            (
                NOT_YET_VALID,
                "%s: the certificate is valid only from %s. Check the clock of the controller or wait until then."
                % (label, certificate["not_before"]),
            )
        )
    if expired:
        findings.append(
            (
                EXPIRED,
                "%s: the certificate expired on %s (%d days ago). PEC would show 'Certificado expirado'. Request "
                "a new one in e-Gestor AB and deploy it."
                % (label, certificate["not_after"], -certificate["days_left"]),
            )
        )
    if wanted and certificate["cnpj"] is None:
        findings.append(
            (
                IDENTITY_MISMATCH,
                "%s: expected CNPJ %s but the certificate carries no CNPJ (ICP-Brasil otherName 2.16.76.1.3.3 or "
                "CN 'NAME:CNPJ'). Is this the municipality's e-CNPJ certificate?" % (label, wanted_text),
            )
        )
    elif wanted and certificate["cnpj"] != wanted:
        findings.append(
            (
                IDENTITY_MISMATCH,
                "%s: the certificate belongs to CNPJ %s, not the expected %s. It is another entity's certificate: "
                "check which file goes to this host." % (label, certificate["cnpj_formatted"], wanted_text),
            )
        )
    return findings


def expiring(label: str, certificate: dict, min_days_valid: int) -> tuple[str, str]:
    return (
        EXPIRING,
        "%s: valid, but expires on %s, in %d days (warning threshold %d). Request the renewal in e-Gestor AB now."
        % (label, certificate["not_after"], certificate["days_left"], min_days_valid),
    )


def ok_message(label: str, certificate: dict) -> str:
    return "%s: valid certificate for %s, %d days left." % (
        label,
        certificate["cnpj_formatted"] or certificate["subject"],
        certificate["days_left"],
    )
