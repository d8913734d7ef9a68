# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How the caller names the options in messages: module_utils/_argspec.py's option_names() (certificate_deploy,
chaves_certificate, rnds_audit)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  option_names:
    description:
      - "How the caller names these options, for the messages. A message that tells what to set names the option
        (C(pec_root)); with C({pec_root: rnds_certificate_pec_root}) here it names both
        (C(pec_root (rnds_certificate_pec_root\\)))."
      - The roles pass their variable names here.
    type: dict
    default: {}
"""
