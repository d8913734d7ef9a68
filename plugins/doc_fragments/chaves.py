# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where and how the certificate is put in chaves: module_utils/_argspec.py's chaves() (certificate_deploy,
chaves_certificate)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  create_pec_root:
    description: Create O(pec_root) when it does not exist, instead of failing.
    type: bool
    default: false
  dest_name:
    description: File name in C(chaves). Keep it stable, since PEC remembers the file the admin selected.
    type: str
    required: true
  file_mode:
    description: Mode of the certificate file (Linux), octal in a string.
    type: str
    default: "0600"
  backups:
    description:
      - How many replaced certificates to keep in C(<pec_root>/esus-pec-backups), the newest; older ones are
        removed, so old private keys do not pile up. V(0) keeps none.
    type: int
    default: 2
"""
