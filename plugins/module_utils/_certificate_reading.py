# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A certificate read as Java (PEC) reads it, repaired when ``cryptography`` refuses an encoding Java
accepts, and what the report says of it.

Private to the collection: no stability promise outside esus.pec (``pkcs12`` re-exports what callers use).
"""

from __future__ import annotations

import datetime

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
except ImportError:  # pragma: no cover - reported by the callers through missing_required_lib
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils import _certificate_repair as repair
    from ansible_collections.esus.pec.plugins.module_utils import _icp_identity as icp
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_decrypt as decrypt
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    import _certificate_repair as repair
    import _icp_identity as icp
    import _pkcs12_decrypt as decrypt


def read_certificate(der: bytes):
    """The certificate, read as Java reads it: encodings Java accepts and cryptography refuses are repaired."""
    try:
        return _touched(x509.load_der_x509_certificate(der))
    except ValueError as exc:
        error = exc
    fixed = repair.repaired(der)
    if fixed is not None:
        try:
            return Lenient(_touched(x509.load_der_x509_certificate(fixed[0])), der, fixed[1])
        except ValueError:
            pass
    raise decrypt._Unreadable("a certificate cannot be read (%s)" % error) from None


def _touched(certificate):
    """cryptography reads names, extensions and dates when asked: ask now, so a refusal is seen here."""
    read = (certificate.subject, certificate.issuer, certificate.extensions, validity(certificate))
    del read  # asking was the point
    return certificate


class Lenient:
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
    info.update(icp.identity(certificate))
    info["cnpj_formatted"] = icp.format_cnpj(info["cnpj"]) if info["cnpj"] else None
    info.update(_key_info(certificate))
    return info
