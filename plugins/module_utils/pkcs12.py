# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check an RNDS certificate (PKCS#12 .pfx/.p12) and say precisely what is wrong with it.

``validate(data, password)`` returns a report dict (the module's RETURN); it never raises and its work is
bounded, whatever the bytes. Plain functions and data, no Ansible objects. The steps, in order:

1. the envelope is read strictly without the password (``_pkcs12_envelope``, over the bounded
   BER/DER reader ``_asn1``), and the key-derivation work it asks for is checked against a budget;
2. the PKCS#12 MAC is checked on its own (``_pkcs12_mac``): it is keyed by the password alone, so a
   wrong password is told apart from everything else. When it does not match but the password does
   open an encrypted part, the file is damaged, not the password wrong: Java (PEC) decides the same way;
3. keys and certificate parts are decrypted by ``cryptography`` (``_pkcs12_loading``, ``_pkcs12_decrypt``):
   PBES2 parts through its primitives (so a failure is a padding or a structure, not a guess),
   PKCS#12-PBE parts through its own loader on a copy of the file that holds only those parts; the RSA
   key is then proven by a signature instead of cryptography's slow re-validation;
4. dates, identity (CNPJ) and the key are judged (``_pkcs12_judge``, ``_certificate_reading``,
   ``_icp_identity``, ``_key_checks``). Messages live in ``_verdicts`` and its families.
"""

from __future__ import annotations

import datetime

try:
    from cryptography import x509
except ImportError:  # pragma: no cover - reported by the callers through missing_required_lib
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils import _asn1, _pkcs12_mac
    from ansible_collections.esus.pec.plugins.module_utils import _certificate_reading as reading
    from ansible_collections.esus.pec.plugins.module_utils import _icp_identity as icp
    from ansible_collections.esus.pec.plugins.module_utils import _java_rules as java_rules
    from ansible_collections.esus.pec.plugins.module_utils import _key_checks as key_checks
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_decrypt as decrypt
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_envelope as envelopes
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_judge as judging
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_loading as loading
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_mac_data as mac_data
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts as verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_corrupt as corrupt_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_opening as password_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_unsupported as unsupported_verdicts
    from ansible_collections.esus.pec.plugins.module_utils._java_pairing import JAVA_KEYSTORE_MAGIC
    from ansible_collections.esus.pec.plugins.module_utils.certificate_files import MAX_SIZE
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    import _asn1
    import _certificate_reading as reading
    import _icp_identity as icp
    import _java_rules as java_rules
    import _key_checks as key_checks
    import _pkcs12_decrypt as decrypt
    import _pkcs12_envelope as envelopes
    import _pkcs12_judge as judging
    import _pkcs12_loading as loading
    import _pkcs12_mac
    import _pkcs12_mac_data as mac_data
    import _verdicts as verdicts
    import _verdicts_corrupt as corrupt_verdicts
    import _verdicts_opening as password_verdicts
    import _verdicts_unsupported as unsupported_verdicts
    from _java_pairing import JAVA_KEYSTORE_MAGIC
    from certificate_files import MAX_SIZE

# The verdicts, the report and PEC's status names, as callers of this module know them
VERDICTS = verdicts.VERDICTS
USABLE_VERDICTS = verdicts.USABLE_VERDICTS
PEC_STATUS = verdicts.PEC_STATUS
PEC_STATUS_DEFAULT = verdicts.PEC_STATUS_DEFAULT
(
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
) = VERDICTS
make_report = verdicts.make_report


# What callers of this module use from its parts, under the names they know
OID_ICP_RESPONSIBLE_NAME = icp.OID_ICP_RESPONSIBLE_NAME
OID_ICP_CNPJ = icp.OID_ICP_CNPJ
OID_ICP_RESPONSIBLE_DATA = icp.OID_ICP_RESPONSIBLE_DATA
normalize_cnpj = icp.normalize_cnpj
cnpj_problem = icp.cnpj_problem
format_cnpj = icp.format_cnpj
mask_cpf = icp.mask_cpf
identity = icp.identity
validity = reading.validity
describe = reading.describe
JAVA_CURVES = key_checks.JAVA_CURVES
proves_possession = key_checks.proves_possession
legacy_provider_available = decrypt.legacy_provider_available
# true when every part found the cryptography names it uses, as the single import of them all told before
HAS_CRYPTOGRAPHY = HAS_CRYPTOGRAPHY and all(
    part.HAS_CRYPTOGRAPHY for part in (decrypt, icp, key_checks, loading, reading)
)

# Java's own keystore formats: Java 17 opens JKS through KeyStore.getInstance("PKCS12") (keystore.type.compat)
_JAVA_MIN_MAC_SALT = 8  # Java 17: "Salt must be at least 8 bytes long"


def validate(
    data: bytes | None,
    password: str | None = "",
    *,
    label: str = "certificate",
    min_days_valid: int = 30,
    expected_cnpj: str | None = None,
    now: datetime.datetime | None = None,
    java: str | None = None,
) -> dict:
    """Validate PKCS#12 bytes with a password and return the report (see the module's RETURN). Never raises.

    ``java`` is the Java the host's PEC runs on, as pec.config's ``jreVersion`` (or a team) gives it: "17"
    (the default, also when unknown), "11", "11.0.11", "8u301", "8"... (``_java_rules.rules_for``); the file
    is judged by what that Java opens, and the report's ``java`` says which rules were used.
    """
    notes: list[str] = []  # what the verdict does not say but an operator should know
    rules = java_rules.rules_for(java)
    if rules is None:
        rules = java_rules.DEFAULT
        notes.append(unsupported_verdicts.unknown_java(label, str(java), rules.label))
    try:
        report = _validate(data, password or "", label, min_days_valid, expected_cnpj, now, notes, rules)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        # a panic in native code (pyo3's PanicException is a BaseException) must give this file a verdict,
        # not end a fleet run for every host
        report = corrupt_verdicts.unreadable(label, exc)
    report["notes"] = notes
    report["java"] = {"rules": rules.name, "label": rules.label, "given": java}
    return report


def _validate(
    data, password: str, label: str, min_days_valid: int, expected_cnpj, now, notes: list[str], rules
) -> dict:
    if data is None:
        return verdicts.missing(label)
    if len(data) > MAX_SIZE:
        return verdicts.too_large(label, len(data), MAX_SIZE)
    if not data.strip():
        return verdicts.empty(label)
    if data.lstrip()[:10] == b"-----BEGIN":
        return _pem(data, label)
    if data[:4] in JAVA_KEYSTORE_MAGIC:
        return verdicts.java_keystore(label, JAVA_KEYSTORE_MAGIC[data[:4]])
    try:
        # Java and OpenSSL read one DER value and ignore what follows (a newline, the file twice...)
        root, end = _asn1.parse_prefix(data)
    except _asn1.Asn1Error as exc:
        if _looks_like_pfx(data) and isinstance(exc, _asn1.Asn1TooLarge):
            return unsupported_verdicts.unsupported(label, "it is far larger inside than a certificate (%s)" % exc)
        if _looks_like_pfx(data):
            return corrupt_verdicts.corrupt(label, str(exc))
        return verdicts.not_pkcs12(label)
    if not _looks_like_pfx(data):
        return _other_der(root, data, label) if end == len(data) else verdicts.not_pkcs12(label)
    try:
        envelope = envelopes.Envelope(root)
    except envelopes.Damaged as exc:
        return corrupt_verdicts.corrupt(label, str(exc))
    except envelopes.Unsupported as exc:
        return unsupported_verdicts.unsupported(label, str(exc))
    if end != len(data):
        notes.append(corrupt_verdicts.trailing_bytes(label, len(data) - end, "the PKCS#12 structure"))
    if envelope.auth_safe_trailing:
        notes.append(
            corrupt_verdicts.trailing_bytes(label, envelope.auth_safe_trailing, "the list of the file's parts")
        )
    algorithms_used = envelope.algorithms()
    encodings = _pkcs12_mac.bmp_passwords(password)
    if envelope.mac is not None:
        mac = envelope.mac
        state, encoding = _pkcs12_mac.check(
            envelope.auth_safe, mac.digest, mac.salt, mac.iterations, mac.hash_name, password
        )
        if state == _pkcs12_mac.MISMATCH:
            opened = loading.what_the_password_opens(envelope, password, encodings)
            if opened:
                return corrupt_verdicts.damaged_under_right_password(label, opened, algorithms_used)
            hint = " (the file's integrity code, MAC, does not match it)"
            if envelope.legacy_algorithms and not legacy_provider_available():
                hint += " or the file's %s encryption is not available here" % ", ".join(envelope.legacy_algorithms)
            return password_verdicts.wrong_password(label, algorithms_used, hint)
        encodings = [encoding]
        if len(mac.salt) < _JAVA_MIN_MAC_SALT:
            return corrupt_verdicts.corrupt(
                label,
                "its integrity code (MAC) has a salt of %d bytes, and Java, which PEC opens the file with, requires "
                "at least %d ('Integrity check failed')" % (len(mac.salt), _JAVA_MIN_MAC_SALT),
                algorithms_used,
            )
    java_refuses = _what_this_java_refuses(envelope, rules)
    if java_refuses:
        return unsupported_verdicts.this_java_refuses(label, java_refuses, rules, algorithms_used)
    if envelope.java_lacks:
        return unsupported_verdicts.cipher_java_lacks(label, envelope.java_lacks, algorithms_used, rules)
    try:
        loaded = loading.load(envelope, password, encodings)
    except decrypt._NotStrict as exc:
        return corrupt_verdicts.corrupt(label, str(exc), algorithms_used)
    except decrypt._Unreadable as exc:
        loaded = loading.second_opinion(envelope, data, password)  # never stricter than OpenSSL on what it reads
        if loaded is None:
            return corrupt_verdicts.contents_unreadable(label, str(exc), algorithms_used)
    except decrypt._Undecryptable as exc:
        if envelope.legacy_algorithms and not legacy_provider_available():
            return unsupported_verdicts.legacy_unavailable(label, envelope.legacy_algorithms, algorithms_used)
        loaded = loading.second_opinion(envelope, data, password)
        if loaded is None and exc.evidence:
            # the same password opened another part (or this one's first blocks): damage, not the password
            return corrupt_verdicts.part_damaged(label, exc.where, exc.evidence, algorithms_used)
        if loaded is None:
            if envelope.mac is None:
                return password_verdicts.wrong_password(
                    label, algorithms_used, " (the file has no integrity code to tell more)"
                )
            return password_verdicts.two_passwords(label, algorithms_used)
    return judging.judge(loaded, password, label, algorithms_used, min_days_valid, expected_cnpj, now, notes, rules)


def _what_this_java_refuses(envelope: envelopes.Envelope, rules: java_rules.JavaRules) -> list[str]:
    """What in the envelope the host's Java (an older one than 17) cannot read: its MAC, a PBES2 part."""
    found = []
    if envelope.mac is not None and envelope.mac.hash_name not in rules.mac_digests:
        name = mac_data.mac_display_name(envelope.mac.hash_name)
        found.append(
            "its integrity code (MAC) is HMAC-%s, which %s cannot check ('Algorithm HmacPBE%s not available', "
            "JDK-8267701)" % (name, rules.label, name)
        )
    if not rules.pbes2_parts and any(part.protection.pbes2 is not None for part in envelope.parts):
        found.append("its certificates are encrypted with PBES2 (AES), which %s cannot decrypt" % rules.label)
    return found


# --- what the bytes are, when they are not a PFX ----------------------------------------------------


def _looks_like_pfx(data: bytes) -> bool:
    """True when the first bytes are a PFX's (SEQUENCE, INTEGER 3), even if the rest is damaged."""
    if len(data) < 5 or data[0] != _asn1.Tag.SEQUENCE:
        return False
    first = data[1]
    start = 2 + (first & 0x7F if first > 0x80 else 0)
    return data[start : start + 3] == decrypt.PFX_VERSION


def _pem(data: bytes, label: str) -> dict:
    if b"-----BEGIN CERTIFICATE-----" in data or b"-----BEGIN PKCS7-----" in data:
        if b"PRIVATE KEY-----" in data:
            return verdicts.pem_bundle(label)
        return verdicts.certificate_only(label, "PEM .cer/.crt")
    first_line = data.lstrip().split(b"\n")[0][:40].decode("ascii", "replace").strip()
    return verdicts.pem_other(label, first_line)


def _other_der(root: _asn1.Node, data: bytes, label: str) -> dict:
    """A DER/BER structure that is not a PFX: a bare certificate or a .p7b is told as such."""
    first = root.children[0] if root.tag == _asn1.Tag.SEQUENCE and root.children else None
    if first is not None and first.tag == _asn1.Tag.OID and first.value == bytes.fromhex("2a864886f70d010702"):
        return verdicts.certificate_only(label, "PKCS#7 .p7b")
    if first is not None and first.tag == _asn1.Tag.SEQUENCE:
        try:
            x509.load_der_x509_certificate(data)
            return verdicts.certificate_only(label, "DER .cer/.crt")
        except ValueError:
            pass
    return verdicts.not_pkcs12(label)


def missing_report(label: str) -> dict:
    return verdicts.missing(label)


def too_large_report(label: str, size: int) -> dict:
    return verdicts.too_large(label, size, MAX_SIZE)
