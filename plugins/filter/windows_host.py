# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: windows_host
short_description: Whether a host is a Windows host, by the rule the collection's actions use
version_added: 0.1.0
author: esus.pec contributors (@esus-pec)
description:
  - True for a Windows connection (C(winrm), C(psrp), with or without their collection prefix) or a Windows shell
    (C(powershell), C(cmd)) whatever the connection. The actions M(esus.pec.certificate_deploy) and
    M(esus.pec.rnds_audit) decide with the same function, from their live connection.
options:
  _input:
    description: The host's C(ansible_connection).
    type: string
    required: true
  shell:
    description: The host's C(ansible_shell_type).
    type: string
    default: ""
"""

EXAMPLES = r"""
- name: Become on Linux hosts only
  hosts: pec_servers
  become: "{{ not (ansible_connection | default('ssh') | esus.pec.windows_host(ansible_shell_type | default(''))) }}"
  tasks: []
"""

RETURN = r"""
_value:
  description: Whether the host is a Windows host.
  type: bool
"""

from ansible_collections.esus.pec.plugins.plugin_utils.hosts import windows_host


class FilterModule:
    def filters(self) -> dict:
        return {"windows_host": windows_host}
