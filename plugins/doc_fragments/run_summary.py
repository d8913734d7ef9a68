# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The options the end-of-run summary filters share (esus.pec.deploy_summary, esus.pec.readiness_summary)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  _input:
    description: The hosts of the play (C(ansible_play_hosts_all)).
    type: list
    elements: string
    required: true
  hostvars:
    description: C(hostvars).
    type: dict
    required: true
  language:
    description: C(pt-BR) or C(en) (C(rnds_readiness_report_language)).
    type: string
    default: pt-BR
"""
