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
3. keys and certificate parts are decrypted by ``cryptography``: PBES2 parts through its primitives
   (so a failure is a padding or a structure, not a guess), PKCS#12-PBE parts through its own loader
   on a copy of the file that holds only those parts; the RSA key is then proven by a signature
   instead of cryptography's slow re-validation;
4. dates, identity (CNPJ) and the key are judged. Messages live in ``_verdicts``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import warnings

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, padding, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
    from cryptography.hazmat.primitives.asymmetric import padding as asymmetric_padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
    from cryptography.hazmat.primitives.serialization import pkcs12
except ImportError:  # pragma: no cover - reported by the callers through missing_required_lib
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils import _asn1, _pkcs12_mac
    from ansible_collections.esus.pec.plugins.module_utils import _certificate_repair as repair
    from ansible_collections.esus.pec.plugins.module_utils import _java_pairing as pairing
    from ansible_collections.esus.pec.plugins.module_utils import _java_rules as java_rules
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_envelope as envelopes
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_mac_data as mac_data
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_protection as protections
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts as verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_certificate as certificate_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_corrupt as corrupt_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_key as key_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_password as password_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_unsupported as unsupported_verdicts
    from ansible_collections.esus.pec.plugins.module_utils.certificate_files import MAX_SIZE
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    import _asn1
    import _certificate_repair as repair
    import _java_pairing as pairing
    import _java_rules as java_rules
    import _pkcs12_envelope as envelopes
    import _pkcs12_mac
    import _pkcs12_mac_data as mac_data
    import _pkcs12_protection as protections
    import _verdicts as verdicts
    import _verdicts_certificate as certificate_verdicts
    import _verdicts_corrupt as corrupt_verdicts
    import _verdicts_key as key_verdicts
    import _verdicts_password as password_verdicts
    import _verdicts_unsupported as unsupported_verdicts
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

OID_ICP_RESPONSIBLE_NAME = "2.16.76.1.3.2"
OID_ICP_CNPJ = "2.16.76.1.3.3"
OID_ICP_RESPONSIBLE_DATA = "2.16.76.1.3.4"

_CNPJ_RE = re.compile(r"^[0-9A-Z]{12}[0-9]{2}$")
_CN_CNPJ_RE = re.compile(r":([0-9A-Z]{12}[0-9]{2})$")
_PFX_VERSION = b"\x02\x01\x03"  # INTEGER 3, the first element of every PFX
_POSSESSION_MESSAGE = b"esus.pec key possession check"
# Java's own keystore formats: Java 17 opens JKS through KeyStore.getInstance("PKCS12") (keystore.type.compat)
_JAVA_KEYSTORE_MAGIC = {b"\xfe\xed\xfe\xed": "JKS", b"\xce\xce\xce\xce": "JCEKS"}
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
    if data[:4] in _JAVA_KEYSTORE_MAGIC:
        return verdicts.java_keystore(label, _JAVA_KEYSTORE_MAGIC[data[:4]])
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
            opened = _what_the_password_opens(envelope, password, encodings)
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
        loaded = _load(envelope, password, encodings)
    except _NotStrict as exc:
        return corrupt_verdicts.corrupt(label, str(exc), algorithms_used)
    except _Unreadable as exc:
        loaded = _second_opinion(envelope, data, password)  # never stricter than OpenSSL on what it reads
        if loaded is None:
            return corrupt_verdicts.contents_unreadable(label, str(exc), algorithms_used)
    except _Undecryptable as exc:
        if envelope.legacy_algorithms and not legacy_provider_available():
            return unsupported_verdicts.legacy_unavailable(label, envelope.legacy_algorithms, algorithms_used)
        loaded = _second_opinion(envelope, data, password)
        if loaded is None and exc.evidence:
            # the same password opened another part (or this one's first blocks): damage, not the password
            return corrupt_verdicts.part_damaged(label, exc.where, exc.evidence, algorithms_used)
        if loaded is None:
            if envelope.mac is None:
                return password_verdicts.wrong_password(
                    label, algorithms_used, " (the file has no integrity code to tell more)"
                )
            return password_verdicts.two_passwords(label, algorithms_used)
    return _judge(loaded, password, label, algorithms_used, min_days_valid, expected_cnpj, now, notes, rules)


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
    return data[start : start + 3] == _PFX_VERSION


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


# --- loading -----------------------------------------------------------------------------------------


class _Undecryptable(Exception):
    """The password does not decrypt a key or a part (or this OpenSSL cannot run its cipher).

    ``evidence`` says why the password is right all the same, when something shows it: another part it
    decrypted, or this item's own first blocks, which decrypted to the start of what PKCS#12 puts there.
    """

    def __init__(self, message: str, where: str = "", evidence: str = "") -> None:
        super().__init__(message)
        self.where = where
        self.evidence = evidence


class _Attempts:
    """Every encrypted item of a file tried once: what the password opened and the first that it did not."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.failed: _Undecryptable | None = None

    def run(self, where: str, action):
        """action() or None when it raises _Undecryptable (kept: the other items are still tried)."""
        try:
            result = action()
        except _Undecryptable as exc:
            exc.where = exc.where or where
            self.failed = self.failed or exc
            return None
        self.opened.append(where)
        return result

    def check(self) -> None:
        failed = self.failed
        if failed is None:
            return
        if not failed.evidence and self.opened:
            failed.evidence = "it decrypts the file's %s" % self.opened[0]
        raise failed


class _Unreadable(Exception):
    """Decrypted, but what came out is not what PKCS#12 says it is."""


class _NotStrict(Exception):
    """Decrypted and readable by OpenSSL, but not strict DER, which Java's getKey refuses."""


class _Loaded:
    """Everything a file holds, decrypted, and the key entries Java (PEC) makes of it."""

    def __init__(self, bags: list[pairing.Bag]) -> None:
        _assume_exporter_attributes(bags)
        self.bags = bags
        self.keys = [bag.item for bag in bags if bag.kind != pairing.CERTIFICATE]
        self.certificates = [bag.item for bag in bags if bag.kind == pairing.CERTIFICATE]
        self.java_lacks: list[tuple[str, str]] = []  # (where, cipher) Java 17 cannot decrypt
        self.java_unreadable: list[str] = []  # bags Java fails the whole load on
        self.entries = pairing.key_entries(bags)
        entry = self.entries[0] if len(self.entries) == 1 else None
        self.key = entry.key if entry else None
        self.entry = entry
        self.certificate = entry.certificate if entry else None
        if not self.entries and self.certificates:
            self.certificate = self.certificates[0]
        # keys Java skips: plain KeyBags, bags inside a safeContentsBag, a second key without localKeyID
        seen = {id(entry.key) for entry in self.entries}
        self.skipped_keys = [bag for bag in bags if bag.kind != pairing.CERTIFICATE and id(bag.item) not in seen]

    @property
    def others(self) -> list:
        """The certificates besides the one Java pairs with the key (the chain, in file order)."""
        return [certificate for certificate in self.certificates if certificate is not self.certificate]

    @classmethod
    def unattributed(cls, keys: list, certificates: list) -> _Loaded:
        """What a loader that gives no bag attributes (cryptography's) found."""
        return cls(_unattributed_bags(keys, certificates))


def _unattributed_bags(keys: list, certificates: list) -> list[pairing.Bag]:
    bags = [pairing.Bag(pairing.KEY, key, _UNKNOWN, None) for key in keys]
    return bags + [pairing.Bag(pairing.CERTIFICATE, certificate, _UNKNOWN, None) for certificate in certificates]


# A bag whose attributes are not known: OpenSSL decrypted it (RC2, 3DES and RC4 certificate parts) and
# does not give them. Every exporter gives the key's own certificate the key's localKeyID, so such a
# certificate is taken to carry it when its public key is the key's (docs/verdicts.md: a known limit)
_UNKNOWN = b"\0unknown"


def _assume_exporter_attributes(bags: list[pairing.Bag]) -> None:
    """Give bags of unknown attributes what an exporter writes: the key's id on its own certificate."""
    if not any(bag.key_id == _UNKNOWN for bag in bags):
        return
    keys = {}
    for index, bag in enumerate(bags):
        if bag.kind == pairing.CERTIFICATE:
            continue
        spki = _spki(bag.item.public_key())
        if bag.key_id == _UNKNOWN:
            bags[index] = bag = bag._replace(key_id=b"\0assumed:" + spki)
        keys.setdefault(spki, bag.key_id if bag.key_id is not None else b"01")
    for index, bag in enumerate(bags):
        if bag.kind == pairing.CERTIFICATE and bag.key_id == _UNKNOWN:
            bags[index] = bag._replace(key_id=keys.get(_public_spki(bag.item)))


def _load(envelope: envelopes.Envelope, password: str, encodings: list[bytes]) -> _Loaded:
    """Decrypt and read everything. When an item does not decrypt, the others are still tried (each once,
    so within the budget): one that does is the evidence that the password is right and the file damaged.
    The bags come back in file order, as Java reads them."""
    attempts = _Attempts()
    java_lacks: list[tuple[str, str]] = []  # keys inside encrypted parts, seen only now
    unreadable = list(envelope.unreadable_certificates)
    keys = [attempts.run("private key", lambda bag=bag: _key(bag, password, encodings)) for bag in envelope.keys]
    certificates = _certificates(envelope, unreadable)
    legacy_parts = []
    work_left = envelopes.MAX_WORK - envelope.work
    found_in_part: dict[int, list[pairing.Bag]] = {}
    for index, part in enumerate(envelope.parts):
        if part.protection.pbes2 is not None and not part.protection.legacy:
            plain = attempts.run(
                "certificate part", lambda part=part: _pbes2_decrypt(part.protection.pbes2, part.ciphertext, password)
            )
            if plain is None:
                continue
            found = _bags_of(plain, work_left)
            work_left -= found.work
            java_lacks.extend(found.java_lacks)
            unreadable.extend(found.unreadable_certificates)
            part_keys = [
                attempts.run("private key", lambda bag=bag: _key(bag, password, encodings)) for bag in found.keys
            ]
            part_certificates = _certificates(found, unreadable)
            found_in_part[index] = _bags(found.layout[0], part_keys, part_certificates)
        else:
            legacy_parts.append(index)
    if legacy_parts:
        found = attempts.run(
            "certificate part",
            lambda: _load_with_openssl([envelope.parts[index].der for index in legacy_parts], password, encodings),
        )
        if found is not None:
            found_in_part[legacy_parts[0]] = _unattributed_bags(*found)
    attempts.check()
    bags: list[pairing.Bag] = []
    for step in envelope.layout:
        bags.extend(_bags(step, keys, certificates) if isinstance(step, list) else found_in_part.get(step, []))
    loaded = _Loaded(bags)
    loaded.java_lacks = java_lacks
    loaded.java_unreadable = unreadable
    return loaded


def _certificates(found: envelopes.Envelope, unreadable: list[str]) -> list:
    """The certificates of these bags. One under a certType other than X.509 is read as X.509, as Java does;
    when it is not one, Java fails the whole load on it (recorded in ``unreadable``, the item is None)."""
    certificates = []
    for der, cert_type in zip(found.certificates, found.certificate_types):
        if cert_type == envelopes.OID_X509_CERTIFICATE:
            certificates.append(_certificate(der))
            continue
        try:
            certificates.append(_certificate(der))
        except _Unreadable:
            unreadable.append(
                "a certificate bag of type %s whose content is not an X.509 certificate, which Java reads as one "
                "and fails on" % cert_type
            )
            certificates.append(None)
    return certificates


def _bags(refs: list[envelopes.BagRef], keys: list, certificates: list) -> list[pairing.Bag]:
    """The bags of one SafeContents, with the keys and certificates their references point to."""
    return [
        pairing.Bag(
            ref.kind,
            (certificates if ref.kind == pairing.CERTIFICATE else keys)[ref.index],
            ref.key_id,
            ref.name,
            ref.trusted,
            ref.position,
            ref.nested,
        )
        for ref in refs
    ]


def _key(bag: envelopes.KeyBag, password: str, encodings: list[bytes]):
    """The private key of a bag, without cryptography's slow RSA re-validation."""
    if bag.protection is None:
        plain = bag.der
    elif bag.protection.pbes2 is not None and not bag.protection.legacy:
        plain = _pbes2_decrypt(bag.protection.pbes2, bag.ciphertext, password)
    elif password:
        try:
            return _load_der_key(bag.der, password.encode("utf-8"))
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise _Undecryptable(str(exc)) from None
    else:  # cryptography takes no empty password here: its PKCS#12 loader does, on the bag alone
        bag_der = _asn1.encode_tlv(
            _asn1.Tag.SEQUENCE,
            _asn1.encode_tlv(_asn1.Tag.OID, bytes.fromhex("2a864886f70d010c0a0102"))
            + _asn1.encode_tlv(_asn1.Tag.CONTEXT_0, bag.der),
        )
        data_part = _content_info(_asn1.encode_tlv(_asn1.Tag.SEQUENCE, bag_der))
        keys, _certificates = _load_with_openssl([data_part], password, encodings)
        if len(keys) != 1:
            raise _Unreadable("a key bag that holds no key")
        return keys[0]
    _check_strict_der(plain)  # first: cryptography refuses such a key too, and OpenSSL's loader would take it
    try:
        return _load_der_key(plain, None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise _Unreadable("the private key cannot be read (%s)" % exc) from None


def _check_strict_der(plain: bytes) -> None:
    """Java reads a PrivateKeyInfo as DER ('extra data at the end', 'Redundant length bytes found')."""
    try:
        node, end = _asn1.parse_prefix(plain)
    except _asn1.Asn1Error:
        return  # OpenSSL read it; the key is judged by what it does
    if end != len(plain):
        raise _NotStrict(
            "the private key has %d bytes after it, which Java refuses ('extra data')" % (len(plain) - end)
        )
    if _asn1.encode(node) != plain:
        raise _NotStrict(
            "the private key is not DER-encoded (a length written in more bytes than needed), which Java refuses"
        )


def _load_der_key(der: bytes, password: bytes | None):
    """A private key without cryptography's slow RSA re-validation (proven by a signature instead)."""
    try:
        return serialization.load_der_private_key(der, password, unsafe_skip_rsa_key_validation=True)
    except TypeError as exc:
        if "unsafe_skip_rsa_key_validation" not in str(exc):
            raise
    return serialization.load_der_private_key(der, password)  # cryptography < 39 (Debian 12 hosts)


def _certificate(der: bytes):
    """The certificate, read as Java reads it: encodings Java accepts and cryptography refuses are repaired."""
    try:
        return _touched(x509.load_der_x509_certificate(der))
    except ValueError as exc:
        error = exc
    fixed = repair.repaired(der)
    if fixed is not None:
        try:
            return _Lenient(_touched(x509.load_der_x509_certificate(fixed[0])), der, fixed[1])
        except ValueError:
            pass
    raise _Unreadable("a certificate cannot be read (%s)" % error) from None


def _touched(certificate):
    """cryptography reads names, extensions and dates when asked: ask now, so a refusal is seen here."""
    read = (certificate.subject, certificate.issuer, certificate.extensions, validity(certificate))
    del read  # asking was the point
    return certificate


class _Lenient:
    """A certificate cryptography read only once repaired: its own bytes (fingerprint, DER) are kept."""

    def __init__(self, certificate, der: bytes, non_standard: list[str]) -> None:
        self._certificate = certificate
        self._der = der
        self.non_standard = non_standard

    def __getattr__(self, name: str):
        return getattr(self._certificate, name)

    def public_bytes(self, encoding):
        if encoding == serialization.Encoding.DER:
            return self._der
        return self._certificate.public_bytes(encoding)

    def fingerprint(self, algorithm) -> bytes:
        digest = hashes.Hash(algorithm)
        digest.update(self._der)
        return digest.finalize()


def _bags_of(plain: bytes, work_left: int) -> envelopes.Envelope:
    try:
        return envelopes.Envelope.of_bags(plain, work_left)
    except (envelopes.Damaged, envelopes.Unsupported) as exc:
        raise _Unreadable(str(exc)) from None


def _pbes2_decrypt(params: protections.PBES2, ciphertext: bytes, password: str) -> bytes:
    """PBKDF2 + AES/3DES-CBC + padding, by cryptography's primitives. Raises _Undecryptable."""
    algorithm = {"SHA1": hashes.SHA1, "SHA224": hashes.SHA224, "SHA256": hashes.SHA256}.get(params.prf)
    algorithm = algorithm or {"SHA384": hashes.SHA384, "SHA512": hashes.SHA512}[params.prf]
    cipher_name = protections.PBES2_CIPHERS[params.cipher_oid][0]
    block = 16 if cipher_name.startswith("AES") else 8
    if not ciphertext or len(ciphertext) % block:
        raise _Undecryptable("encrypted data of %d bytes" % len(ciphertext))
    key = PBKDF2HMAC(algorithm(), params.key_length, params.salt, params.iterations).derive(password.encode("utf-8"))
    cipher = algorithms.AES(key) if block == 16 else _triple_des(key)
    decryptor = Cipher(cipher, modes.CBC(params.iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    try:
        unpadder = padding.PKCS7(block * 8).unpadder()
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:  # bad padding: not this password, or damaged bytes (the first blocks tell)
        evidence = "its first bytes decrypt to what PKCS#12 puts there" if _starts_like_der(padded, block) else ""
        raise _Undecryptable(str(exc), evidence=evidence) from None


def _starts_like_der(plain: bytes, block: int) -> bool:
    """Whether decrypted bytes begin as a PrivateKeyInfo or SafeContents of about their own size does.

    A wrong key gives random bytes: a SEQUENCE tag, a long-form length that ends within two blocks of the
    data's end and the first inner tag (INTEGER version, or a SafeBag SEQUENCE) match by chance about once
    in 2^30. A damaged or cut last block leaves all of that in place (CBC garbles only the blocks it hits).
    """
    if len(plain) < 8 or plain[0] != _asn1.Tag.SEQUENCE or plain[1] not in (0x81, 0x82, 0x83):
        return False
    size = plain[1] & 0x7F
    total = 2 + size + int.from_bytes(plain[2 : 2 + size], "big")
    return abs(total - len(plain)) <= 2 * block and plain[2 + size] in (_asn1.Tag.INTEGER, _asn1.Tag.SEQUENCE)


def _triple_des(key: bytes):
    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    except ImportError:  # cryptography < 43 (Debian 12 hosts)
        TripleDES = algorithms.TripleDES
    return TripleDES(key)


def _content_info(safe_contents: bytes) -> bytes:
    """A PKCS#7 data ContentInfo around DER bytes."""
    return _asn1.encode_tlv(
        _asn1.Tag.SEQUENCE,
        _asn1.encode_tlv(_asn1.Tag.OID, bytes.fromhex("2a864886f70d010701"))
        + _asn1.encode_tlv(_asn1.Tag.CONTEXT_0, _asn1.encode_tlv(_asn1.Tag.OCTET_STRING, safe_contents)),
    )


def _load_with_openssl(parts: list[bytes], password: str, encodings: list[bytes]) -> tuple[list, list]:
    """Let cryptography (OpenSSL) decrypt some parts: a PFX of just those, with a fresh MAC, is loaded.

    OpenSSL runs every cipher (RC2 through its legacy provider) and skips its slow RSA re-check when no
    key is in the parts. The MAC is keyed with the password encoding the file's own MAC used, so an empty
    password is decrypted the same way (OpenSSL picks NULL or "" from the MAC).
    """
    auth_safe = _asn1.encode_tlv(_asn1.Tag.SEQUENCE, b"".join(parts))
    salt = hashlib.sha256(auth_safe).digest()[:8]
    sha256 = _asn1.encode_tlv(
        _asn1.Tag.SEQUENCE, _asn1.encode_tlv(_asn1.Tag.OID, bytes.fromhex("608648016503040201")) + b"\x05\x00"
    )
    last = None
    for encoding in encodings:
        mac = _pkcs12_mac.mac(auth_safe, encoding, salt, 1, "sha256")
        digest_info = _asn1.encode_tlv(_asn1.Tag.SEQUENCE, sha256 + _asn1.encode_tlv(_asn1.Tag.OCTET_STRING, mac))
        mac_data = _asn1.encode_tlv(_asn1.Tag.SEQUENCE, digest_info + _asn1.encode_tlv(_asn1.Tag.OCTET_STRING, salt))
        pfx = _asn1.encode_tlv(_asn1.Tag.SEQUENCE, _PFX_VERSION + _content_info(auth_safe) + mac_data)
        try:
            return _whole_file_load(pfx, password)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            last = exc
    raise _Undecryptable(str(last))


def _whole_file_load(pfx: bytes, password: str) -> tuple[list, list]:
    """cryptography's own PKCS#12 loader: (keys, certificates)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key, certificate, others = pkcs12.load_key_and_certificates(pfx, password.encode("utf-8") or None)
    return ([key] if key is not None else []), ([certificate] if certificate is not None else []) + list(others)


def _what_the_password_opens(envelope: envelopes.Envelope, password: str, encodings: list[bytes]) -> str | None:
    """Which encrypted part this password decrypts, if any: certificate parts first, as Java does."""
    for part in envelope.parts:
        try:
            if part.protection.pbes2 is not None and not part.protection.legacy:
                _bags_of(_pbes2_decrypt(part.protection.pbes2, part.ciphertext, password), 0)
            else:
                _load_with_openssl([part.der], password, encodings)
            return "certificate part"
        except (_Undecryptable, _Unreadable):
            continue
    for bag in envelope.keys:
        if bag.protection is None:
            continue
        try:
            _key(bag, password, encodings)
            return "private key"
        except (_Undecryptable, _Unreadable):
            continue
    return None


def _second_opinion(envelope: envelopes.Envelope, data: bytes, password: str) -> _Loaded | None:
    """cryptography's whole-file loader, for what our reading refused; only while it stays cheap."""
    if envelope.work > envelopes.MAX_WORK // 4:
        return None
    try:
        return _Loaded.unattributed(*_whole_file_load(data, password))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None


@functools.lru_cache(maxsize=1)
def legacy_provider_available() -> bool:
    """Whether this cryptography/OpenSSL runs the legacy ciphers (RC2, RC4) old .pfx files use."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from cryptography.hazmat.decrepit.ciphers.algorithms import RC2

            Cipher(RC2(b"\x00" * 16), modes.CBC(b"\x00" * 8)).decryptor()
        except ImportError:  # cryptography < 43: RC4 comes from the same provider
            try:
                Cipher(algorithms.ARC4(b"\x00" * 16), None).decryptor()
            except (AttributeError, UnsupportedAlgorithm, ValueError):
                return False
        except (UnsupportedAlgorithm, ValueError):
            return False
    return True


def _spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _public_spki(certificate) -> bytes | None:
    try:
        return _spki(certificate.public_key())
    except (ValueError, UnsupportedAlgorithm):
        return None


# The curves Java 17's SunEC signs with (the others went with its native library in JDK 16: "Curve not supported")
JAVA_CURVES = ("secp256r1", "secp384r1", "secp521r1")


def _java_curve_problem(certificate, described: dict) -> str | None:
    """Why Java 17 cannot sign with (or even read) the certificate's EC key, or None."""
    if described["key_type"] != "EC":
        return None
    if _explicit_ec_parameters(certificate):
        return (
            "its EC key carries explicit curve parameters instead of a curve name "
            "(Java: 'Only named ECParameters supported')"
        )
    if described["key_curve"] not in JAVA_CURVES:
        return "its key is on the curve %s (Java: 'Curve not supported')" % described["key_curve"]
    return None


def _explicit_ec_parameters(certificate) -> bool:
    """Whether the certificate's SubjectPublicKeyInfo gives the curve as parameters (a SEQUENCE), not an OID."""
    try:
        tbs = _asn1.parse(certificate.public_bytes(serialization.Encoding.DER)).children[0]
        spki = tbs.children[6 if tbs.children[0].tag == _asn1.Tag.CONTEXT_0 else 5]
        algorithm = spki.children[0].children
    except (_asn1.Asn1Error, IndexError, TypeError):
        return False
    return len(algorithm) > 1 and algorithm[1].tag == _asn1.Tag.SEQUENCE


def _rsa_crt_problem(key) -> str | None:
    """Why Java cannot sign with this RSA key, when its CRT values do not agree (OpenSSL falls back to d).

    Integer arithmetic only: p*q = n, dP = d mod (p-1), dQ = d mod (q-1), qInv*q = 1 mod p.
    """
    if not isinstance(key, rsa.RSAPrivateKey):
        return None
    numbers = key.private_numbers()
    p, q, d = numbers.p, numbers.q, numbers.d
    checks = (
        ("p*q is not the modulus", p * q == numbers.public_numbers.n),
        ("dP is not d mod (p-1)", p > 1 and numbers.dmp1 == d % (p - 1)),
        ("dQ is not d mod (q-1)", q > 1 and numbers.dmq1 == d % (q - 1)),
        ("qInv is not the inverse of q mod p", p > 1 and numbers.iqmp * q % p == 1),
    )
    wrong = [name for name, right in checks if not right]
    if not wrong:
        return None
    return "the RSA private key's CRT values do not agree (%s), and Java cannot sign with it" % "; ".join(wrong)


def proves_possession(key, certificate) -> bool:
    """Sign with the private key and verify with the certificate's public key."""
    message = _POSSESSION_MESSAGE
    try:
        public = certificate.public_key()
        if isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(message, asymmetric_padding.PKCS1v15(), hashes.SHA256())
            public.verify(signature, message, asymmetric_padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            public.verify(key.sign(message, ec.ECDSA(hashes.SHA256())), message, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
            public.verify(key.sign(message), message)
        elif isinstance(key, dsa.DSAPrivateKey):
            public.verify(key.sign(message, hashes.SHA256()), message, hashes.SHA256())
        else:
            return _spki(key.public_key()) == _spki(public)
    except (InvalidSignature, TypeError, ValueError, AttributeError, UnsupportedAlgorithm):
        return False
    return True


# --- identity ------------------------------------------------------------------------------------


def normalize_cnpj(value: str) -> str:
    """Strip punctuation: '12.345.678/0001-95' -> '12345678000195' (alphanumeric CNPJ kept upper)."""
    return re.sub(r"[\s./-]", "", str(value)).upper()


def cnpj_problem(value: str) -> str | None:
    """Why a CNPJ given by a user cannot be right, or None. Knows the 2026 alphanumeric form."""
    cnpj = normalize_cnpj(value)
    if not _CNPJ_RE.match(cnpj):
        return "'%s' is not a CNPJ: it needs 14 characters (12 digits or letters and 2 check digits)" % value
    numbers = [ord(char) - 48 for char in cnpj]
    for position in (12, 13):
        weights = list(range(position - 7, 1, -1)) + list(range(9, 1, -1))
        remainder = sum(n * w for n, w in zip(numbers[:position], weights)) % 11
        if numbers[position] != (0 if remainder < 2 else 11 - remainder):
            return "'%s' has wrong check digits: look for a typo" % value
    return None


def format_cnpj(cnpj: str) -> str:
    if len(cnpj) != 14:
        return cnpj
    return "%s.%s.%s/%s-%s" % (cnpj[:2], cnpj[2:5], cnpj[5:8], cnpj[8:12], cnpj[12:])


def mask_cpf(cpf: str) -> str:
    """'12345678901' -> '***.456.789-**' (the form Brazilian systems show publicly)."""
    return "***.%s.%s-**" % (cpf[3:6], cpf[6:9])


def identity(certificate) -> dict:
    """CNPJ, responsible person's masked CPF and name from an ICP-Brasil certificate."""
    found = {"cnpj": None, "responsible_cpf_masked": None, "responsible_name": None}
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        other_names = names.get_values_for_type(x509.OtherName)
    except (x509.ExtensionNotFound, ValueError):
        other_names = []
    for other in other_names:
        try:
            text = _asn1.decode_string(other.value).strip()
        except _asn1.Asn1Error:
            continue
        oid = other.type_id.dotted_string
        if oid == OID_ICP_CNPJ and _CNPJ_RE.match(normalize_cnpj(text)):
            found["cnpj"] = normalize_cnpj(text)
        elif oid == OID_ICP_RESPONSIBLE_DATA and len(text) >= 19 and text[8:19].isdigit():
            found["responsible_cpf_masked"] = mask_cpf(text[8:19])
        elif oid == OID_ICP_RESPONSIBLE_NAME and text:
            found["responsible_name"] = text
    if found["cnpj"] is None:
        for attribute in certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME):
            match = _CN_CNPJ_RE.search(str(attribute.value).strip())
            if match:
                found["cnpj"] = match.group(1)
    return found


# --- description ---------------------------------------------------------------------------------


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _key_info(certificate) -> dict:
    """Type and size of the certificate's key (the private key is proven to match it)."""
    try:
        public = certificate.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return {"key_type": "unknown", "key_size": None, "key_curve": None}
    if isinstance(public, rsa.RSAPublicKey):
        return {"key_type": "RSA", "key_size": public.key_size, "key_curve": None}
    if isinstance(public, ec.EllipticCurvePublicKey):
        return {"key_type": "EC", "key_size": public.curve.key_size, "key_curve": public.curve.name}
    if isinstance(public, ed25519.Ed25519PublicKey):
        return {"key_type": "Ed25519", "key_size": 256, "key_curve": None}
    if isinstance(public, ed448.Ed448PublicKey):
        return {"key_type": "Ed448", "key_size": 456, "key_curve": None}
    if isinstance(public, dsa.DSAPublicKey):
        return {"key_type": "DSA", "key_size": public.key_size, "key_curve": None}
    return {"key_type": type(public).__name__, "key_size": None, "key_curve": None}


def _self_signed(certificate) -> bool:
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except AttributeError:  # cryptography < 40 (Debian 12 hosts): name comparison only
        return True
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def validity(certificate) -> tuple[datetime.datetime, datetime.datetime]:
    """(not_before, not_after) as aware UTC datetimes, also on cryptography < 42 (Debian 12 hosts)."""
    try:
        return certificate.not_valid_before_utc, certificate.not_valid_after_utc
    except AttributeError:
        utc = datetime.timezone.utc
        return certificate.not_valid_before.replace(tzinfo=utc), certificate.not_valid_after.replace(tzinfo=utc)


def describe(certificate, now: datetime.datetime) -> dict:
    not_before, not_after = validity(certificate)
    info = {
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "serial": format(certificate.serial_number, "X"),
        "not_before": _iso(not_before),
        "not_after": _iso(not_after),
        "days_left": int((not_after - now).total_seconds() // 86400),
        "fingerprint_sha256": certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
        "self_signed": _self_signed(certificate),
    }
    info.update(identity(certificate))
    info["cnpj_formatted"] = format_cnpj(info["cnpj"]) if info["cnpj"] else None
    info.update(_key_info(certificate))
    return info


# --- the verdict ---------------------------------------------------------------------------------


def _java_password(password: str) -> bool:
    """Java's PBE keys (PKCS12 KeyStore, what PEC opens the file with) take printable ASCII only."""
    return all(" " <= char <= "~" for char in password)


def _judge(
    loaded: _Loaded,
    password: str,
    label: str,
    algorithms_used: dict | None,
    min_days_valid: int,
    expected_cnpj: str | None,
    now: datetime.datetime | None,
    notes: list[str],
    rules: java_rules.JavaRules = java_rules.DEFAULT,
) -> dict:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    chain_length = len(loaded.certificates)
    if loaded.java_lacks:
        return unsupported_verdicts.cipher_java_lacks(label, loaded.java_lacks, algorithms_used, rules)
    if loaded.java_unreadable:
        return unsupported_verdicts.bag_java_fails_on(label, loaded.java_unreadable[0], chain_length, algorithms_used)
    if len(loaded.entries) > 1:
        return key_verdicts.several_keys(label, len(loaded.entries), chain_length, algorithms_used)
    if loaded.key is None:
        certificate = describe(loaded.certificate, now) if loaded.certificate is not None else None
        nested = [bag for bag in loaded.skipped_keys if bag.nested]
        if nested:
            return key_verdicts.key_java_skips(
                label, "inside a nested bag (safeContentsBag)", certificate, chain_length
            )
        if any(bag.kind == pairing.KEY for bag in loaded.skipped_keys):
            return key_verdicts.key_java_skips(label, "without a localKeyID", certificate, chain_length)
        if loaded.skipped_keys:
            return key_verdicts.unencrypted_key(label, certificate, chain_length, algorithms_used)
        return key_verdicts.no_private_key(label, chain_length, certificate, algorithms_used)
    if loaded.certificate is None:
        return key_verdicts.key_matches_nothing(label, chain_length, algorithms_used)
    if _public_spki(loaded.certificate) != _spki(loaded.key.public_key()):
        own = any(_public_spki(other) == _spki(loaded.key.public_key()) for other in loaded.certificates)
        return key_verdicts.java_pairs_another_certificate(
            label, loaded.entry.by, describe(loaded.certificate, now), own, chain_length, algorithms_used
        )
    for bag in loaded.skipped_keys:
        notes.append(key_verdicts.key_java_ignores(label, bag.kind == pairing.PLAIN_KEY, bag.nested))
    for certificate in loaded.certificates:
        if isinstance(certificate, _Lenient):
            own = certificate is loaded.certificate
            notes.append(
                certificate_verdicts.non_standard_certificate(
                    label, own, certificate.subject.rfc4514_string(), certificate.non_standard
                )
            )
    certificate = describe(loaded.certificate, now)
    crt_problem = _rsa_crt_problem(loaded.key)
    if crt_problem:
        return corrupt_verdicts.corrupt(label, crt_problem, algorithms_used)
    curve_problem = _java_curve_problem(loaded.certificate, certificate)
    if curve_problem:
        return key_verdicts.key_java_cannot_sign(
            label, curve_problem, certificate, chain_length, algorithms_used, rules.label
        )
    if not proves_possession(loaded.key, loaded.certificate):
        return key_verdicts.key_not_proven(label, certificate, chain_length, algorithms_used)
    not_before, not_after = validity(loaded.certificate)
    wanted = normalize_cnpj(expected_cnpj) if expected_cnpj else None
    findings = certificate_verdicts.date_and_identity_findings(
        label, certificate, now >= not_after, now < not_before, wanted, format_cnpj(wanted) if wanted else ""
    )
    if not findings and not _java_password(password):
        findings.append(password_verdicts.password_java_refuses(label))
    if not findings and certificate["days_left"] <= min_days_valid:
        findings.append(certificate_verdicts.expiring(label, certificate, min_days_valid))
    report = {"certificate": certificate, "chain_length": chain_length, "algorithms": algorithms_used}
    if not findings:
        return make_report(OK, certificate_verdicts.ok_message(label, certificate), reasons=[], **report)
    verdict, msg = findings[0]
    return make_report(verdict, msg, reasons=[text for _verdict, text in findings], **report)


def missing_report(label: str) -> dict:
    return verdicts.missing(label)


def too_large_report(label: str, size: int) -> dict:
    return verdicts.too_large(label, size, MAX_SIZE)
