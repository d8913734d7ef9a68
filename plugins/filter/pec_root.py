# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: pec_root
short_description: The folder where the PEC installer puts PEC's webserver, on Linux or on Windows
version_added: 0.2.0
author: esus.pec contributors (@esus-pec)
description:
  - C(/opt/e-SUS/webserver) for a Linux host, C(C:\Program Files\e-SUS\webserver) for a Windows host; the
    defaults the actions use when no root is given (one place, plugins/module_utils/pec_layout.py).
options:
  _input:
    description: Whether the host is a Windows host (see P(esus.pec.windows_host#filter)).
    type: bool
    required: true
"""

EXAMPLES = r"""
- name: Say where PEC is expected
  ansible.builtin.debug:
    msg: "{{ false | esus.pec.pec_root }}"
"""

RETURN = r"""
_value:
  description: PEC's default webserver folder on that system.
  type: string
"""

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.esus.pec.plugins.plugin_utils.hosts import LINUX, WINDOWS


def pec_root(windows) -> str:
    return (WINDOWS if boolean(windows, strict=False) else LINUX).pec_root


class FilterModule:
    def filters(self) -> dict:
        return {"pec_root": pec_root}
