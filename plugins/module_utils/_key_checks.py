# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What is checked of a private key before PEC would use it: that it belongs to the certificate (a
signature), that its RSA CRT values agree and that Java signs on its EC curve; and the public key's DER.

Private to the collection: no stability promise outside esus.pec (``pkcs12`` re-exports what callers use).
"""

from __future__ import annotations

try:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
    from cryptography.hazmat.primitives.asymmetric import padding as asymmetric_padding
except ImportError:  # pragma: no cover - reported by the callers through missing_required_lib
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils import _asn1
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    import _asn1

_POSSESSION_MESSAGE = b"esus.pec key possession check"


def spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_spki(certificate) -> bytes | None:
    try:
        return spki(certificate.public_key())
    except (ValueError, UnsupportedAlgorithm):
        return None


# The curves Java 17's SunEC signs with (the others went with its native library in JDK 16: "Curve not supported")
JAVA_CURVES = ("secp256r1", "secp384r1", "secp521r1")


def java_curve_problem(certificate, described: dict) -> str | None:
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


def rsa_crt_problem(key) -> str | None:
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
            return spki(key.public_key()) == spki(public)
    except (InvalidSignature, TypeError, ValueError, AttributeError, UnsupportedAlgorithm):
        return False
    return True
