# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The messages of a file the host's Java (PEC) or this machine cannot open (unsupported_encryption), and
the note on a Java version this check does not know.

Private to the collection: no stability promise outside esus.pec. Every message says what is wrong,
where (``label`` names the host and the file) and what to do next. Standard library only.
"""

from __future__ import annotations

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._verdicts import UNSUPPORTED_ENCRYPTION, make_report
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _verdicts import UNSUPPORTED_ENCRYPTION, make_report


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


def bag_java_fails_on(label: str, what: str, chain_length: int, algorithms: dict | None) -> dict:
    return make_report(
        UNSUPPORTED_ENCRYPTION,
        "%s: the file holds %s: PEC cannot load the file ('Falha no certificado'). Export the certificate "
        "again with standard settings (e-Gestor AB, Windows, or 'openssl pkcs12 -export')." % (label, what),
        chain_length=chain_length,
        algorithms=algorithms,
    )
