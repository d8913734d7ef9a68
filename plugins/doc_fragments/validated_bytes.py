# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the host parts of certificate_deploy check the bytes against: module_utils/_argspec.py's validated_bytes()
(chaves_certificate; win_chaves_certificate declares the same in PowerShell)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  checksum:
    description: SHA-1 of the bytes validated on the controller; the installed certificate must have it.
    type: str
    required: true
  size:
    description: Size in bytes of the bytes validated on the controller.
    type: int
    required: true
"""
