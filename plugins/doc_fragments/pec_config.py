# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the PEC installer's configuration is: module_utils/_argspec.py's pec_config() (certificate_deploy,
rnds_audit, pec_probe, chaves_certificate)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  pec_config:
    description:
      - The JSON file the PEC installer writes on a Linux host. Only its keys C(success), C(production), C(version),
        C(webserverVersion), C(directory), C(webserverDirectory) and C(jreVersion) are read back (it also holds the
        database password, which is never read back or shown).
      - An empty value or a missing file means unknown (the Java is then the one the C(java) option names, else 17;
        the audit warns that the install cannot be confirmed).
    type: path
    default: /etc/pec.config
"""
