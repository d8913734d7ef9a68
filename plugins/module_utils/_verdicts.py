# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The verdicts of a certificate check, the report that carries one, and the messages an operator reads.

Private to the collection: no stability promise outside esus.pec (``pkcs12`` re-exports what callers use).
Every message says what is wrong, where (``label`` names the host and the file) and what to do next.
This file holds the verdicts, the report and the messages of a file that is missing or is not a
PKCS#12 at all; the other families of messages live beside it in ``_verdicts_<family>.py``.
Standard library only.
"""

from __future__ import annotations

OK = "ok"
EXPIRING = "expiring"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
WRONG_PASSWORD = "wrong_password"
UNSUPPORTED_ENCRYPTION = "unsupported_encryption"
CERTIFICATE_ONLY = "certificate_only"
NO_PRIVATE_KEY = "no_private_key"
KEY_MISMATCH = "key_mismatch"
IDENTITY_MISMATCH = "identity_mismatch"
NOT_PKCS12 = "not_pkcs12"
CORRUPT = "corrupt"
MISSING = "missing"

VERDICTS = (
    OK,
    EXPIRING,
    EXPIRED,
    NOT_YET_VALID,
    WRONG_PASSWORD,
    UNSUPPORTED_ENCRYPTION,
    CERTIFICATE_ONLY,
    NO_PRIVATE_KEY,
    KEY_MISMATCH,
    IDENTITY_MISMATCH,
    NOT_PKCS12,
    CORRUPT,
    MISSING,
)
USABLE_VERDICTS = (OK, EXPIRING)

# What PEC's RNDS tab ("Gestão Municipal > Certificados") would most likely show for each verdict.
PEC_STATUS = {
    OK: "Conexão bem-sucedida",
    EXPIRING: "Conexão bem-sucedida",
    EXPIRED: "Certificado expirado",
}
PEC_STATUS_DEFAULT = "Falha no certificado"

EXPORT_AGAIN = (
    "Download or export the certificate again from the original (e-Gestor AB, or the machine where it was "
    "requested); a vaulted copy must be re-encrypted from that binary file, not pasted as text."
)


def make_report(
    verdict: str,
    msg: str,
    reasons: list[str] | None = None,
    certificate: dict | None = None,
    chain_length: int = 0,
    algorithms: dict | None = None,
) -> dict:
    return {
        "verdict": verdict,
        "valid": verdict in USABLE_VERDICTS,
        "msg": msg,
        "reasons": reasons if reasons is not None else [msg],
        "pec_status": PEC_STATUS.get(verdict, PEC_STATUS_DEFAULT),
        "certificate": certificate,
        "chain_length": chain_length,
        "pkcs12": algorithms,
        "notes": [],
    }


def missing(label: str) -> dict:
    return make_report(
        MISSING,
        "%s: no such file. Put the municipality's certificate (.pfx/.p12 from e-Gestor AB) there, or fix the "
        "path." % label,
    )


def too_large(label: str, size: int, limit: int) -> dict:
    return make_report(
        NOT_PKCS12,
        "%s: %d bytes is far too large for a certificate (limit %d bytes); this is not the .pfx/.p12 from "
        "e-Gestor AB." % (label, size, limit),
    )


def not_a_file(label: str, what: str) -> dict:
    return make_report(
        NOT_PKCS12,
        "%s is %s, not a certificate file: give the path of the .pfx/.p12 file itself." % (label, what),
    )


def not_pkcs12(label: str, detail: str = "") -> dict:
    return make_report(
        NOT_PKCS12,
        "%s: not a PKCS#12 (.pfx/.p12) file%s. PEC needs the certificate exported with its private key "
        "from e-Gestor AB." % (label, " (%s)" % detail if detail else ""),
    )


def java_keystore(label: str, kind: str) -> dict:
    """A decision (docs/verdicts.md): a Java keystore under a .pfx name is refused, though Java 17 may open it."""
    return make_report(
        NOT_PKCS12,
        "%s: a Java %s keystore, not a PKCS#12 file. Java 17 may open it all the same, but e-Gestor AB never "
        "issues one, its key can have a second password that PEC does not ask for, and this check cannot see "
        "inside it. Convert it: 'keytool -importkeystore -srckeystore FILE -srcstoretype %s -destkeystore "
        "certificado.pfx -deststoretype PKCS12' (one password for the store and the key), and deploy the .pfx."
        % (label, kind, kind),
    )


def empty(label: str) -> dict:
    return make_report(NOT_PKCS12, "%s: the file is empty. Copy the certificate (.pfx/.p12) again." % label)


def pem_bundle(label: str) -> dict:
    return make_report(
        NOT_PKCS12,
        "%s: PEM text with a certificate and a private key, not a PKCS#12 file. PEC accepts only .pfx/.p12: "
        "bundle them with 'openssl pkcs12 -export' (keep a password on it)." % label,
    )


def pem_other(label: str, first_line: str) -> dict:
    return make_report(
        NOT_PKCS12,
        "%s: PEM text (%s), not a PKCS#12 file. PEC accepts only the .pfx/.p12 exported with the private key."
        % (label, first_line),
    )


def certificate_only(label: str, form: str) -> dict:
    return make_report(
        CERTIFICATE_ONLY,
        "%s: a certificate without its private key (%s). PEC does not accept it ('Falha no certificado'): it "
        "needs the PKCS#12 (.pfx/.p12) with the private key, as exported from e-Gestor AB or from the machine "
        "where the certificate was requested." % (label, form),
    )
