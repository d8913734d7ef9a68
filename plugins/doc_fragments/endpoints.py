# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hosts and ports to try from the host: module_utils/_argspec.py's endpoints() (pec_probe, win_pec_probe,
rnds_audit, which changes the default)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  endpoints:
    description: Hosts and ports to try a TCP connection to from the host, for example the RNDS authentication endpoint.
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: Name or address.
        type: str
        required: true
      port:
        description: TCP port.
        type: int
        default: 443
"""
