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
      - "For the actions M(esus.pec.rnds_audit) and M(esus.pec.certificate_deploy) it also says where to read each
        option the task does not set: the action reads and templates the variable named here when the host has it
        (an empty string leaves an option that has no default unset), so the roles' tasks compile no Jinja template
        per host for their options. An option set in the task wins. A variable that cannot be templated, or a
        required one that is not set, fails the host with a message naming the variable, and nothing is changed."
    type: dict
    default: {}
"""
