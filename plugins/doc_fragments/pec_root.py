# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PEC folder: module_utils/_argspec.py's pec_root() for the actions (certificate_deploy, rnds_audit), whose
default depends on the host, and linux_pec_root() (the LINUX variable) for the Linux host modules."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  pec_root:
    description:
      - The PEC webserver folder; C(chaves) is inside it.
      - When not given or empty, C(/opt/e-SUS/webserver), or C(C:\Program Files\e-SUS\webserver) on a Windows host.
    type: str
"""

    LINUX = r"""
options:
  pec_root:
    description: The PEC webserver folder; C(chaves) is inside it.
    type: path
    default: /opt/e-SUS/webserver
"""
