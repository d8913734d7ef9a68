# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The verdicts of a certificate check, the report that carries one, and the messages an operator reads.

Private to the collection: no stability promise outside esus.pec (``pkcs12`` re-exports what callers use).
Every message says what is wrong, where (``label`` names the host and the file) and what to do next.
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

_EXPORT_AGAIN = (
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


def corrupt(label: str, detail: str, algorithms: dict | None = None) -> dict:
    return make_report(
        CORRUPT,
        "%s: the PKCS#12 file is damaged (%s). Its password is not the problem: do not change it. %s"
        % (label, detail, _EXPORT_AGAIN),
        algorithms=algorithms,
    )


def damaged_under_right_password(label: str, opened: str, algorithms: dict | None) -> dict:
    return make_report(
        CORRUPT,
        "%s: the password is right (it decrypts the file's %s) but the file's integrity code (MAC) does not "
        "match: the file was damaged after it was exported (PEC/Java: 'Integrity check failed'). Do not change "
        "the password. %s" % (label, opened, _EXPORT_AGAIN),
        algorithms=algorithms,
    )


def part_damaged(label: str, where: str, evidence: str, algorithms: dict | None) -> dict:
    return make_report(
        CORRUPT,
        "%s: the password is right (%s) but the file's %s does not decrypt with it: that part of the file is "
        "damaged, and PEC/Java would fail on it. Do not change the password. %s"
        % (label, evidence, where or "contents", _EXPORT_AGAIN),
        algorithms=algorithms,
    )


def unreadable(label: str, error: BaseException) -> dict:
    """Last resort: something below us (a native library) failed on these bytes."""
    return make_report(
        CORRUPT,
        "%s: the file could not be read (%s). %s" % (label, type(error).__name__, _EXPORT_AGAIN),
    )


def wrong_password(label: str, algorithms: dict | None, hint: str = "") -> dict:
    return make_report(
        WRONG_PASSWORD,
        "%s: wrong password%s. PEC would show 'Falha no certificado'. Check the password kept for this "
        "municipality (vault) or export the certificate again." % (label, hint),
        algorithms=algorithms,
    )


def two_passwords(label: str, algorithms: dict | None) -> dict:
    return make_report(
        WRONG_PASSWORD,
        "%s: this password matches the file's integrity code (MAC) but does not decrypt its contents: the file "
        "was exported with two passwords (openssl -twopass), and PEC takes only one. Export it again with a "
        "single password, or give the password of the contents." % label,
        algorithms=algorithms,
    )


def unsupported(label: str, detail: str, algorithms: dict | None = None) -> dict:
    return make_report(
        UNSUPPORTED_ENCRYPTION,
        "%s: the file is not checked because %s. Export the certificate again with standard settings "
        "(e-Gestor AB, Windows, or 'openssl pkcs12 -export' with OpenSSL 3 defaults)." % (label, detail),
        algorithms=algorithms,
    )


def cipher_java_lacks(label: str, found: list[tuple[str, str]], algorithms: dict | None, rules=None) -> dict:
    """Encryption Java's providers do not have: PEC cannot load the file (certificates) or take the key."""
    parts = sorted({where for where, _name in found})
    names = ", ".join(sorted({name for _where, name in found}))
    effect = "cannot load the file" if "certificate part" in parts else "loads the file but cannot take the key"
    java = rules.label if rules is not None else "Java 17"
    advice = rules.export_advice if rules is not None else ""
    if rules is None or rules.aes_ok:
        advice = (
            "with AES-256 ('openssl pkcs12 -export' with OpenSSL 3 defaults, without -keypbe, -certpbe or -legacy; "
            "or Windows with 'AES256-SHA256'), or with 3DES for an older PEC ('-keypbe PBE-SHA1-3DES -certpbe "
            "PBE-SHA1-3DES -macalg sha1')"
        )
    return make_report(
        UNSUPPORTED_ENCRYPTION,
        "%s: the file's %s is encrypted with %s, which %s does not have: PEC %s ('Falha no certificado'). "
        "Export the certificate again %s." % (label, " and ".join(parts), names, java, effect, advice),
        algorithms=algorithms,
    )


def this_java_refuses(label: str, found: list[str], rules, algorithms: dict | None) -> dict:
    """The host's Java (older than 17) cannot open what Java 17 opens: advice that this Java can follow."""
    return make_report(
        UNSUPPORTED_ENCRYPTION,
        "%s: the password is right, but %s: the PEC on this host (%s) cannot load the file ('Falha no "
        "certificado'). Export the certificate again %s."
        % (label, "; and ".join(found), rules.label, rules.export_advice),
        algorithms=algorithms,
    )


def unknown_java(label: str, given: str, used: str) -> str:
    return (
        "%s: the Java version '%s' is not one this check knows; the file was judged by what %s opens. Give the "
        "host's jreVersion from /etc/pec.config (e.g. '17.0.10-linux_x64', '8u292')." % (label, given, used)
    )


def legacy_unavailable(label: str, legacy: list[str], algorithms: dict | None) -> dict:
    return make_report(
        UNSUPPORTED_ENCRYPTION,
        "%s: the password is right (the MAC matches) but the file is encrypted with %s, which this OpenSSL "
        "cannot decrypt (its legacy provider is not available). Enable OpenSSL's legacy provider on the "
        "controller, or re-export the certificate with AES (openssl pkcs12 -export, OpenSSL 3 defaults)."
        % (label, ", ".join(legacy)),
        algorithms=algorithms,
    )


def contents_unreadable(label: str, detail: str, algorithms: dict | None) -> dict:
    return corrupt(label, "the password is right but the contents cannot be read: %s" % detail, algorithms)


def no_private_key(label: str, chain_length: int, certificate: dict | None, algorithms: dict | None) -> dict:
    return make_report(
        NO_PRIVATE_KEY,
        "%s: the PKCS#12 file holds %d certificate(s) but no private key. PEC needs the key: export the "
        "certificate again with 'include the private key'." % (label, chain_length),
        certificate=certificate,
        chain_length=chain_length,
        algorithms=algorithms,
    )


def unencrypted_key(label: str, certificate: dict | None, chain_length: int, algorithms: dict | None) -> dict:
    return make_report(
        NO_PRIVATE_KEY,
        "%s: the private key is stored unencrypted (a plain PKCS#12 KeyBag, as 'openssl pkcs12 -keypbe NONE' "
        "writes), and Java, which PEC opens the file with, skips such a key: PEC would find none. Export the "
        "certificate again with its key encrypted (the default)." % label,
        certificate=certificate,
        chain_length=chain_length,
        algorithms=algorithms,
    )


def password_java_refuses(label: str) -> tuple[str, str]:
    return (
        UNSUPPORTED_ENCRYPTION,
        "%s: the password is right, but it has characters outside plain ASCII (accents such as 'ç' or 'ã', "
        "emoji, tabs), and Java's PKCS#12 KeyStore, which PEC opens the file with, refuses such a password "
        "('keystore password was incorrect'). Export the certificate again with a password of unaccented "
        "letters, digits and symbols, and keep that one in the vault." % label,
    )


def several_keys(label: str, count: int, chain_length: int, algorithms: dict | None) -> dict:
    return make_report(
        KEY_MISMATCH,
        "%s: the file holds %d private keys; PEC takes one key with its certificate, and which one it would "
        "pick cannot be told. Export the municipality's certificate alone, with its own key." % (label, count),
        chain_length=chain_length,
        algorithms=algorithms,
    )


def key_java_cannot_sign(
    label: str, problem: str, certificate: dict, chain_length: int, algorithms: dict | None, java: str = "Java 17"
) -> dict:
    return make_report(
        UNSUPPORTED_ENCRYPTION,
        "%s: the certificate is readable, but %s, and %s, which PEC runs on, cannot sign with such a key: "
        "the RNDS connection (mutual TLS) would fail. Request a certificate with an RSA key (the ICP-Brasil norm) "
        "or an EC key on P-256 or P-384." % (label, problem, java),
        certificate=certificate,
        chain_length=chain_length,
        algorithms=algorithms,
    )


def key_matches_nothing(label: str, chain_length: int, algorithms: dict | None) -> dict:
    return make_report(
        KEY_MISMATCH,
        "%s: Java, which PEC opens the file with, pairs the private key with none of the %d certificate(s): it "
        "pairs by the bags' localKeyID, then friendlyName, never by public key, and here neither leads to a "
        "certificate, so PEC would send no client certificate ('Falha no certificado'). Export the certificate "
        "together with its own key again (e-Gestor AB, Windows, or 'openssl pkcs12 -export', which write both "
        "attributes)." % (label, chain_length),
        chain_length=chain_length,
        algorithms=algorithms,
    )


def java_pairs_another_certificate(
    label: str, by: str, certificate: dict, own_present: bool, chain_length: int, algorithms: dict | None
) -> dict:
    """Java pairs by localKeyID/friendlyName: here that leads to a certificate of another key."""
    return make_report(
        KEY_MISMATCH,
        "%s: Java, which PEC opens the file with, pairs the private key by its %s with the certificate '%s', "
        "which is not the key's own%s: PEC would sign with the key for that certificate and the RNDS "
        "connection (mutual TLS) would fail. Export the certificate together with its own key again (e-Gestor "
        "AB, Windows, or 'openssl pkcs12 -export')."
        % (
            label,
            by,
            certificate["subject"],
            " (the key's own certificate is in the file, but its attributes do not lead Java to it)"
            if own_present
            else "",
        ),
        certificate=certificate,
        chain_length=chain_length,
        algorithms=algorithms,
    )


def key_java_skips(label: str, where: str, certificate: dict | None, chain_length: int) -> dict:
    """The file's key is where Java's PKCS12 KeyStore does not take it: PEC finds no key."""
    return make_report(
        NO_PRIVATE_KEY,
        "%s: the private key is stored %s, and Java, which PEC opens the file with, skips it: PEC would find no "
        "key ('Falha no certificado'). Export the certificate again with its key (e-Gestor AB, Windows, or "
        "'openssl pkcs12 -export')." % (label, where),
        certificate=certificate,
        chain_length=chain_length,
    )


def bag_java_fails_on(label: str, what: str, chain_length: int, algorithms: dict | None) -> dict:
    return make_report(
        UNSUPPORTED_ENCRYPTION,
        "%s: the file holds %s: PEC cannot load the file ('Falha no certificado'). Export the certificate "
        "again with standard settings (e-Gestor AB, Windows, or 'openssl pkcs12 -export')." % (label, what),
        chain_length=chain_length,
        algorithms=algorithms,
    )


def non_standard_certificate(label: str, own: bool, subject: str, what: list[str]) -> str:
    """A note: Java (PEC) reads the certificate; stricter tools (OpenSSL 3, Python's cryptography) may not."""
    return (
        "%s: the %s certificate '%s' is not strict DER (%s). Java, which PEC uses, reads it as it is, so PEC can "
        "use the file; stricter tools may refuse it. When it is renewed, ask the issuer for a standard encoding."
        % (label, "municipality's" if own else "chain's", subject, ", ".join(what))
    )


def key_java_ignores(label: str, plain: bool, nested: bool) -> str:
    """A note: a second key Java (PEC) does not see, beside the one it uses."""
    where = (
        "unencrypted (a plain KeyBag)"
        if plain
        else "inside a nested bag"
        if nested
        else "without a localKeyID after the first key"
    )
    return (
        "%s: the file also holds a private key stored %s, which Java (PEC) ignores; PEC uses the other key. "
        "When you can, export the certificate again with its own key alone%s."
        % (label, where, ": an unencrypted key is readable by anyone who has the file" if plain else "")
    )


def key_not_proven(label: str, certificate: dict, chain_length: int, algorithms: dict | None) -> dict:
    return make_report(
        KEY_MISMATCH,
        "%s: the private key does not belong to the certificate (a signature made with it does not verify). "
        "Export the certificate together with its own key." % label,
        certificate=certificate,
        chain_length=chain_length,
        algorithms=algorithms,
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


def trailing_bytes(label: str, count: int, where: str) -> str:
    """A note, not a verdict: Java (PEC) and OpenSSL read the file the same with or without these bytes."""
    return (
        "%s: %d byte(s) after %s are ignored, as Java (PEC) and OpenSSL ignore them: the file was changed after "
        "it was exported (a text editor or a text-mode transfer adds a newline). It works as it is; when you can, "
        "vault the original binary file instead." % (label, count, where)
    )


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
