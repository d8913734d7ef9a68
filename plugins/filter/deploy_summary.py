# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: deploy_summary
short_description: "The deploy's summary: counts, then each refused host with its code and next step"
version_added: 0.1.0
author: esus.pec contributors (@esus-pec)
description:
  - Counts the hosts changed, unchanged, refused (left untouched) and without an answer, from each host's registered
    C(rnds_certificate_result), then gives one line per refused or unanswering host with the municipality, host, IBGE
    code, the code that decided and the next step.
  - Run once at the end of the play (C(run_once)); in Brazilian Portuguese unless the language is C(en).
extends_documentation_fragment:
  - esus.pec.run_summary
options:
  result:
    description: The name each host registered its result under.
    type: string
    default: rnds_certificate_result
"""

EXAMPLES = r"""
- name: Sum up the deploy (counts, then each refused host with its next step)
  ansible.builtin.debug:
    msg: "{{ ansible_play_hosts_all | esus.pec.deploy_summary(hostvars, 'pt-BR') }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: The summary's lines, the counts first.
  type: list
  elements: string
"""


def deploy_summary(hosts, hostvars, language="pt-BR", result="rnds_certificate_result"):
    # imported when the filter runs: see readiness_mail.py
    from ansible_collections.esus.pec.plugins.plugin_utils.run_summary import deploy_lines

    return deploy_lines(list(hosts), hostvars, language, result)


class FilterModule:
    def filters(self) -> dict:
        return {"deploy_summary": deploy_summary}
