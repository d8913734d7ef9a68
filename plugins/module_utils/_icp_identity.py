# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Who an ICP-Brasil certificate names: the CNPJ (also as the 2026 alphanumeric form), the responsible
person's masked CPF and name, read from the otherNames of its subjectAltName or from its CN.

Private to the collection: no stability promise outside esus.pec (``pkcs12`` re-exports what callers use).
"""

from __future__ import annotations

import re

try:
    from cryptography import x509
except ImportError:  # pragma: no cover - reported by the callers through missing_required_lib
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils import _asn1
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    import _asn1

OID_ICP_RESPONSIBLE_NAME = "2.16.76.1.3.2"
OID_ICP_CNPJ = "2.16.76.1.3.3"
OID_ICP_RESPONSIBLE_DATA = "2.16.76.1.3.4"

_CNPJ_RE = re.compile(r"^[0-9A-Z]{12}[0-9]{2}$")
_CN_CNPJ_RE = re.compile(r":([0-9A-Z]{12}[0-9]{2})$")


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
