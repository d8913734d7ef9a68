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
  java:
    description:
      - The Java PEC runs on, whose rules judge the file (what that Java's PKCS12 KeyStore opens and can use),
        one of V(17) (PEC 5.3 and later), V(11), V(11.0.11), V(8u301), V(8) (PEC up to 5.2; before 8u301 it cannot
        check the SHA-256 MAC OpenSSL 3 writes by default, JDK-8267701), or a C(jreVersion) as
        C(/etc/pec.config) gives it (V(17.0.10-linux_x64), V(1.8.0_292)).
      - When empty, M(esus.pec.certificate_deploy) and M(esus.pec.rnds_audit) read C(jreVersion) from the
        host's C(/etc/pec.config) (their option C(pec_config)) on Linux and judge for that Java; where it is
        unknown (a Windows host, no C(pec.config)), and for M(esus.pec.pkcs12_validate), Java 17. The result
        says which rules were used (C(java)).
    type: str
    default: ''
"""
