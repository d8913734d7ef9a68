# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Options of the chaves folder and the deployed file, shared by certificate_deploy and chaves_certificate."""

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
  owner:
    description: Owner of C(chaves) and the certificate.
    type: str
    default: root
  group:
    description: Group of C(chaves) and the certificate.
    type: str
    default: root
  dir_mode:
    description: Mode of C(chaves), octal in a string.
    type: str
    default: "0750"
  file_mode:
    description: Mode of the certificate file, octal in a string.
    type: str
    default: "0600"
  backups:
    description: How many replaced certificates to keep in C(<pec_root>/esus-pec-backups). C(0) keeps none.
    type: int
    default: 2
  remove_others:
    description: Remove the other .pfx/.p12 files from C(chaves) (names compared without regard to case).
    type: bool
    default: false
"""
