# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: readiness_summary
short_description: "The audit's summary: counts, then each host not ready with its code and next step"
version_added: 0.1.0
author: esus.pec contributors (@esus-pec)
description:
  - Counts the hosts ready, not ready and not audited, from each host's registered audit result
    (C(__rnds_readiness_audit) in the role), then gives one line per host not ready or not audited with the
    municipality, host, IBGE code, its first failing code and that code's next step.
  - Run once at the end of the play (C(run_once)); in Brazilian Portuguese unless the language is C(en).
extends_documentation_fragment:
  - esus.pec.run_summary
options:
  result:
    description: The name each host registered its result under.
    type: string
    default: __rnds_readiness_audit
"""

EXAMPLES = r"""
- name: Sum up the audit (counts, then each host not ready with its next step)
  ansible.builtin.debug:
    msg: "{{ ansible_play_hosts_all | esus.pec.readiness_summary(hostvars, 'pt-BR') }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: The summary's lines, the counts first.
  type: list
  elements: string
"""


def readiness_summary(hosts, hostvars, language="pt-BR", result="__rnds_readiness_audit"):
    # imported when the filter runs: see readiness_mail.py
    from ansible_collections.esus.pec.plugins.plugin_utils.run_summary import readiness_lines

    return readiness_lines(list(hosts), hostvars, language, result)


class FilterModule:
    def filters(self) -> dict:
        return {"readiness_summary": readiness_summary}
