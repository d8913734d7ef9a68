# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How a certificate is judged: module_utils/_argspec.py's certificate() (pkcs12_validate, certificate_deploy,
rnds_audit)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  password:
    description:
      - Password of the certificate (the PKCS#12 file). An empty password is allowed.
      - Never shown in any output.
    type: str
    default: ''
  min_days_valid:
    description:
      - A valid certificate with this many days left or fewer gets the verdict V(expiring), a warning and not a
        failure.
    type: int
    default: 30
  expected_cnpj:
    description:
      - CNPJ the certificate must belong to (the municipality's), with or without punctuation
        (V(12.345.678/0001-95) or V(12345678000195)); the 2026 alphanumeric form is accepted too.
      - Read from the ICP-Brasil subjectAltName otherName 2.16.76.1.3.3, or the e-CNPJ subject CN form
        C(NAME:CNPJ). A different or absent CNPJ gives the verdict V(identity_mismatch).
      - When not given or empty, the identity is not checked.
    type: str
"""
