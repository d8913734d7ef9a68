# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whether the deploy removes the other certificates from chaves: module_utils/_argspec.py's remove_others()
(certificate_deploy; the host parts remove the files the action names, with others.remove)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  remove_others:
    description: Remove the other .pfx/.p12 files from C(chaves) (names compared without regard to case).
    type: bool
    default: false
"""
