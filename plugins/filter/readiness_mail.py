# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: readiness_mail
short_description: The fleet report's mail messages, one per recipient group
version_added: 0.1.0
author: esus.pec contributors (@esus-pec)
description:
  - From what M(esus.pec.readiness_report) returned, the messages the role C(esus.pec.rnds_readiness) sends with
    C(community.general.mail) when C(rnds_readiness_mail_to) is set - the subject with the counts, a plain-text
    body with the summary, the changes since the last report and the hosts that need action with their next
    step, and the report files to attach.
  - A list of addresses gets the whole fleet in one message; a dict UF -> list of addresses gives each UF's
    coordinators a message about their UF's hosts (key C(*) - the whole fleet).
options:
  _input:
    description: The registered result of M(esus.pec.readiness_report).
    type: dict
    required: true
  hosts:
    description: The hosts the report was given.
    type: list
    elements: string
    required: true
  readiness:
    description: The readiness per host the report was given.
    type: dict
    required: true
  mail_to:
    description: The recipients (C(rnds_readiness_mail_to)).
    type: raw
    required: true
  generated:
    description: When the report was generated (ISO 8601 UTC).
    type: string
    default: ""
  language:
    description: The language of subject and body.
    type: string
    choices: [pt-BR, en]
    default: pt-BR
  attach_csv:
    description: Attach C(readiness.csv) as well as C(readiness.html).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Mail the report to each UF's coordinators
  community.general.mail:
    host: smtp.saude.sp.gov.br
    port: 587
    secure: starttls
    sender: esus-pec@saude.sp.gov.br
    to: "{{ item.to }}"
    subject: "{{ item.subject }}"
    body: "{{ item.body }}"
    attach: "{{ item.attach }}"
  loop: "{{ report | esus.pec.readiness_mail(ansible_play_hosts_all, readiness, recipients) }}"
  loop_control:
    label: "{{ item.uf }}: {{ item.to | join(', ') }}"
  vars:
    recipients: {SP: [coordenacao@saude.sp.gov.br], "*": [cosems@saude.sp.gov.br]}
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
_value:
  description: One message per recipient group.
  type: list
  elements: dict
  contains:
    uf:
      description: The UF the message is about, C(*) for the whole fleet.
      type: str
    to:
      description: Its recipients.
      type: list
      elements: str
    subject:
      description: The subject, with the counts.
      type: str
    body:
      description: The plain-text body.
      type: str
    attach:
      description: The report files to attach (paths on the controller).
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError


def readiness_mail(report_result, hosts, readiness, mail_to, generated="", language="pt-BR", attach_csv=False):
    # Imported when the filter runs, not when the file loads: a lookup of any esus.pec filter (the play's become
    # uses esus.pec.windows_host) loads every file in plugins/filter in every worker process (Ansible's Jinja2Loader),
    # and the report's modules cost a worker more than the audit's own checks (benchmarks/README.md).
    from ansible_collections.esus.pec.plugins.plugin_utils.report_mail import MailError, messages

    try:
        return messages(report_result, hosts, readiness, mail_to, generated, language, attach_csv)
    except MailError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule:
    def filters(self) -> dict:
        return {"readiness_mail": readiness_mail}
