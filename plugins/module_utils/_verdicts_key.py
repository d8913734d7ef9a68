# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The messages about the private key: none Java (PEC) takes, several, one paired with the wrong
certificate, one Java cannot sign with or that does not match; and the note on a key Java ignores.

Private to the collection: no stability promise outside esus.pec. Every message says what is wrong,
where (``label`` names the host and the file) and what to do next. Standard library only.
"""

from __future__ import annotations

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._verdicts import (
        KEY_MISMATCH,
        NO_PRIVATE_KEY,
        UNSUPPORTED_ENCRYPTION,
        make_report,
    )
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _verdicts import KEY_MISMATCH, NO_PRIVATE_KEY, UNSUPPORTED_ENCRYPTION, make_report


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
