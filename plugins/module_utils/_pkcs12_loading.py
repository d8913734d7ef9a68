# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Everything a PKCS#12 holds, decrypted with the password, as the bags Java (PEC) reads, and the key
entries Java makes of them.

Private to the collection: no stability promise outside esus.pec. When an item does not decrypt, the
others are still tried (each once, within the work budget): one that does is the evidence that the
password is right and the file damaged.
"""

from __future__ import annotations

try:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
except ImportError:  # pragma: no cover - reported by the callers through missing_required_lib
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils import _asn1
    from ansible_collections.esus.pec.plugins.module_utils import _certificate_reading as reading
    from ansible_collections.esus.pec.plugins.module_utils import _java_pairing as pairing
    from ansible_collections.esus.pec.plugins.module_utils import _key_checks as key_checks
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_decrypt as decrypt
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_envelope as envelopes
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    import _asn1
    import _certificate_reading as reading
    import _java_pairing as pairing
    import _key_checks as key_checks
    import _pkcs12_decrypt as decrypt
    import _pkcs12_envelope as envelopes


class _Attempts:
    """Every encrypted item of a file tried once: what the password opened and the first that it did not."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.failed: decrypt._Undecryptable | None = None

    def run(self, where: str, action):
        """action() or None when it raises _Undecryptable (kept: the other items are still tried)."""
        try:
            result = action()
        except decrypt._Undecryptable as exc:
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


class Loaded:
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
    def unattributed(cls, keys: list, certificates: list) -> Loaded:
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
        spki = key_checks.spki(bag.item.public_key())
        if bag.key_id == _UNKNOWN:
            bags[index] = bag = bag._replace(key_id=b"\0assumed:" + spki)
        keys.setdefault(spki, bag.key_id if bag.key_id is not None else b"01")
    for index, bag in enumerate(bags):
        if bag.kind == pairing.CERTIFICATE and bag.key_id == _UNKNOWN:
            bags[index] = bag._replace(key_id=keys.get(key_checks.public_spki(bag.item)))


def load(envelope: envelopes.Envelope, password: str, encodings: list[bytes]) -> Loaded:
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
                "certificate part",
                lambda part=part: decrypt.pbes2_decrypt(part.protection.pbes2, part.ciphertext, password),
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
            lambda: decrypt.load_with_openssl(
                [envelope.parts[index].der for index in legacy_parts], password, encodings
            ),
        )
        if found is not None:
            found_in_part[legacy_parts[0]] = _unattributed_bags(*found)
    attempts.check()
    bags: list[pairing.Bag] = []
    for step in envelope.layout:
        bags.extend(_bags(step, keys, certificates) if isinstance(step, list) else found_in_part.get(step, []))
    loaded = Loaded(bags)
    loaded.java_lacks = java_lacks
    loaded.java_unreadable = unreadable
    return loaded


def _certificates(found: envelopes.Envelope, unreadable: list[str]) -> list:
    """The certificates of these bags. One under a certType other than X.509 is read as X.509, as Java does;
    when it is not one, Java fails the whole load on it (recorded in ``unreadable``, the item is None)."""
    certificates = []
    for der, cert_type in zip(found.certificates, found.certificate_types):
        if cert_type == envelopes.OID_X509_CERTIFICATE:
            certificates.append(reading.read_certificate(der))
            continue
        try:
            certificates.append(reading.read_certificate(der))
        except decrypt._Unreadable:
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
        plain = decrypt.pbes2_decrypt(bag.protection.pbes2, bag.ciphertext, password)
    elif password:
        try:
            return _load_der_key(bag.der, password.encode("utf-8"))
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise decrypt._Undecryptable(str(exc)) from None
    else:  # cryptography takes no empty password here: its PKCS#12 loader does, on the bag alone
        bag_der = _asn1.encode_tlv(
            _asn1.Tag.SEQUENCE,
            _asn1.encode_tlv(_asn1.Tag.OID, bytes.fromhex("2a864886f70d010c0a0102"))
            + _asn1.encode_tlv(_asn1.Tag.CONTEXT_0, bag.der),
        )
        data_part = decrypt.content_info(_asn1.encode_tlv(_asn1.Tag.SEQUENCE, bag_der))
        keys, _certificates = decrypt.load_with_openssl([data_part], password, encodings)
        if len(keys) != 1:
            raise decrypt._Unreadable("a key bag that holds no key")
        return keys[0]
    _check_strict_der(plain)  # first: cryptography refuses such a key too, and OpenSSL's loader would take it
    try:
        return _load_der_key(plain, None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise decrypt._Unreadable("the private key cannot be read (%s)" % exc) from None


def _check_strict_der(plain: bytes) -> None:
    """Java reads a PrivateKeyInfo as DER ('extra data at the end', 'Redundant length bytes found').

    Only a real key is called non-strict: a wrong password decrypts to random bytes that, about once in a few
    hundred tries, pass the padding check and start like a DER element. Those are unreadable, not a key Java
    refuses for its encoding (which would blame damage, not the password, in what_the_password_opens)."""
    try:
        node, end = _asn1.parse_prefix(plain)
    except _asn1.Asn1Error:
        return  # OpenSSL read it; the key is judged by what it does
    strict = _asn1.encode(node)
    if strict == plain:
        return
    try:
        _load_der_key(strict, None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise decrypt._Unreadable("the private key cannot be read (not a DER PrivateKeyInfo)") from None
    if end != len(plain):
        raise decrypt._NotStrict(
            "the private key has %d bytes after it, which Java refuses ('extra data')" % (len(plain) - end)
        )
    if _asn1.encode(node) != plain:
        raise decrypt._NotStrict(
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


def _bags_of(plain: bytes, work_left: int) -> envelopes.Envelope:
    try:
        return envelopes.Envelope.of_bags(plain, work_left)
    except (envelopes.Damaged, envelopes.Unsupported) as exc:
        raise decrypt._Unreadable(str(exc)) from None


def what_the_password_opens(envelope: envelopes.Envelope, password: str, encodings: list[bytes]) -> str | None:
    """Which encrypted part this password decrypts, if any: certificate parts first, as Java does."""
    for part in envelope.parts:
        try:
            if part.protection.pbes2 is not None and not part.protection.legacy:
                _bags_of(decrypt.pbes2_decrypt(part.protection.pbes2, part.ciphertext, password), 0)
            else:
                decrypt.load_with_openssl([part.der], password, encodings)
            return "certificate part"
        except (decrypt._Undecryptable, decrypt._Unreadable):
            continue
    for bag in envelope.keys:
        if bag.protection is None:
            continue
        try:
            _key(bag, password, encodings)
            return "private key"
        except (decrypt._Undecryptable, decrypt._Unreadable):
            continue
    return None


def second_opinion(envelope: envelopes.Envelope, data: bytes, password: str) -> Loaded | None:
    """cryptography's whole-file loader, for what our reading refused; only while it stays cheap."""
    if envelope.work > envelopes.MAX_WORK // 4:
        return None
    try:
        return Loaded.unattributed(*decrypt.whole_file_load(data, password))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
