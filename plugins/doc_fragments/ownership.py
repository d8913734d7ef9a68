# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Owner, group and mode of chaves on Linux: module_utils/_argspec.py's ownership() (certificate_deploy,
chaves_certificate, rnds_audit)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  owner:
    description:
      - Owner of C(chaves) and of the certificate in it (Linux). M(esus.pec.certificate_deploy) sets it,
        M(esus.pec.rnds_audit) expects it.
    type: str
    default: root
  group:
    description: Group of C(chaves) and of the certificate in it (Linux).
    type: str
    default: root
  dir_mode:
    description: Mode of C(chaves) (Linux), octal in a string.
    type: str
    default: "0750"
"""
