#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: readiness_report
short_description: Write the RNDS readiness fleet report (JSON, CSV and one self-contained HTML page)
version_added: 0.1.0
description:
  - Writes C(readiness.json), C(readiness.csv) and C(readiness.html) into O(dest) from the RNDS readiness of
    every host (as M(esus.pec.rnds_audit) returns it), or from several partial reports (O(merge)). Meant to run
    once (C(run_once)).
  - Runs on the controller as an action plugin, whatever host the task is given to; there is no host-side module
    of this name, and the task needs no C(delegate_to) nor local connection.
  - The JSON (English keys, for machines) holds one record per host with C(host), C(ready), C(verdict),
    C(days_left), C(reasons) (the audit's, in English), C(codes) (the stable codes of its failing and warning
    checks, listed in the collection's C(docs/codes.md)) with the C(values) each code's sentence needs, the
    municipality's data, its C(problem) group (decided by its codes), its checks' statuses and the
    certificate's C(fingerprint_sha256); the hosts per problem (C(groups)); certificates expiring within 30,
    60 and 90 days and per week for 13 weeks (C(expiring)); and what changed since the previous report
    (C(changes)).
  - "Also C(readiness.prom), fleet counts for Prometheus (the controller's node_exporter textfile collector or a
    Pushgateway): C(esus_pec_fleet_hosts), C(esus_pec_fleet_ready), C(esus_pec_fleet_not_ready) by C(code) (the
    code that decides each host's problem), C(esus_pec_fleet_expiring) by C(within_days) (30, 60, 90) and
    C(esus_pec_fleet_not_audited); the collection's C(docs/monitoring.md)."
  - The CSV and the page are for people, in O(language); their reasons too, written from each host's codes.
    The page groups the hosts by problem with the next step for each group, lists what changed, draws the
    expiry timeline, and has a host table that can be filtered (text, problem, change) and sorted at thousands
    of rows. It needs no network (no external asset)
    and carries a Content-Security-Policy that lets only its own style and script run.
  - History. Before a new report is written, the previous C(readiness.json) is moved to
    C(history/readiness-<its generated time>.json) and the newest O(history) are kept. The new report is
    compared with that previous one.
  - When no host changed since the report in O(dest) (only its timestamp would), nothing is written and
    nothing is moved.
  - A host without readiness is reported with C(ready) null, counted as not audited, with the code of why
    (C(audit.unreachable), C(audit.become_failed) for sudo refusing or asking for a password, C(audit.no_python),
    C(audit.failed), C(audit.not_audited) when it has no audit result), its own problem group and next step,
    and its municipality, IBGE code and UF from the inventory (C(rnds_readiness_municipality),
    C(rnds_certificate_ibge_code), C(rnds_readiness_uf)). No word of Ansible's error message is kept.
  - The page shows times in Brasília time (America/Sao_Paulo), the zone said; its problem table is in three
    sections (not ready, not audited, ready) whose totals are the cards' numbers; it counts the fleet by UF and
    by the inventory groups named in O(groups); the change lists name municipalities; on a phone the tables
    scroll sideways inside the page.
  - Reports hold no secret and no CPF.
requirements:
  - jinja2 (on the controller; Ansible itself needs it)
options:
  hosts:
    description:
      - Every host of the fleet (C(ansible_play_hosts_all)); a host with no readiness is reported as not
        audited, with why.
      - One of O(hosts) and O(merge) is required; they are mutually exclusive.
    type: list
    elements: str
  readiness:
    description:
      - Host name to its RNDS readiness (RV(esus.pec.rnds_audit#module:rnds_readiness)).
      - Ignored when O(audit_result) is given. Slow at state scale (templating thousands of readiness records
        into an argument costs tens of seconds); prefer O(audit_result).
    type: dict
    default: {}
  audit_result:
    description:
      - Name of the variable each host registered its M(esus.pec.rnds_audit) result in. The action reads it
        for every host in O(hosts) itself, without templating; the readiness of the hosts audited, and for the
        others (failed, unreachable) why they were not audited.
      - The role esus.pec.rnds_readiness gives C(__rnds_readiness_audit).
    type: str
  groups:
    description:
      - Inventory groups to count the fleet by, besides the UF (fnmatch patterns of group names, for example
        C(regional_*) for the regional health departments); each host's matching groups are on its row.
    type: list
    elements: str
    default: []
  merge:
    description:
      - Partial reports to merge into one instead of O(hosts) (AWX job slices, or runs on parts of the fleet).
      - Each is the path of a C(readiness.json) written by this module, or of the folder that holds it, or a
        glob pattern of such paths (C(/srv/rnds/2026-11-25/*)), expanded in sorted order; a pattern that
        matches nothing fails the task.
      - The hosts are united; a host in several reports takes the record audited last (on a tie, the later in
        the list). A file that is not a readiness report fails the task, naming the file.
    type: list
    elements: path
  dest:
    description:
      - Folder the three files are written to (created when missing); its C(history) folder holds the previous
        reports.
      - Left out, C(rnds-readiness-report) beside the inventory, whatever the working folder (cron, another
        shell), next to the inventory folder or file of the first inventory source that is a path (never inside
        an inventory folder, where Ansible would read the report as inventory), else in the home folder.
    type: path
  generated:
    description:
      - Timestamp of the report (ISO 8601, UTC), printed in it and used to name it in the history.
      - With O(merge), defaults to the latest of the parts' timestamps.
    type: str
    default: ''
  language:
    description: Language of the CSV (headers and values) and of the page. The JSON keys are English always.
    type: str
    choices: [pt-BR, en]
    default: pt-BR
  history:
    description: How many previous reports to keep in C(<dest>/history); V(0) keeps none (the history folder is
      then left as it is).
    type: int
    default: 12
  template:
    description:
      - Another Jinja2 template for the page, on the controller (an adapted copy of the one the collection ships,
        C(roles/rnds_readiness/templates/readiness.html.j2)).
      - Left out, the collection's own page is used; the role esus.pec.rnds_readiness and the playbook
        esus.pec.report_merge leave it out.
      - Rendered with autoescape on.
    type: path
attributes:
  check_mode:
    support: full
    details: Nothing is written or moved in check mode; the result says what the report would hold.
  diff_mode:
    support: none
  platform:
    platforms: posix
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: Write the fleet report on the controller, in English, keeping a year of weekly reports
  esus.pec.readiness_report:
    hosts: "{{ ansible_play_hosts_all }}"  # the unreachable and failed hosts too: each is reported with why
    audit_result: audit  # each host's own esus.pec.rnds_audit result (register: audit), read by the action
    groups: [regional_*]  # counted by regional health department too, when the inventory has such groups
    dest: reports/
    generated: "{{ now(utc=true, fmt='%Y-%m-%dT%H:%M:%SZ') }}"
    language: en
    history: 52
  run_once: true  # written on the controller, once

- name: One report from the reports of this week's AWX job slices, each in its own folder on a shared volume
  esus.pec.readiness_report:
    merge:
      - "/srv/esus-pec/rnds/slices/{{ now(utc=true, fmt='%Y-%m-%d') }}/*"
    dest: /srv/esus-pec/rnds/estado
  run_once: true

- name: The same from two named reports, the page in English, no history kept
  esus.pec.readiness_report:
    merge:
      - relatorios/norte/readiness.json
      - relatorios/sul
    dest: relatorios/estado
    language: en
    history: 0
    # a copy of the collection's roles/rnds_readiness/templates/readiness.html.j2, adapted and kept here
    template: "{{ playbook_dir }}/templates/readiness.html.j2"
  run_once: true
"""

RETURN = r"""
summary:
  description: Counts of hosts.
  returned: always
  type: dict
  sample: {hosts: 7, ready: 3, not_ready: 3, unknown: 1, expiring_30: 1, expiring_90: 2}
groups:
  description: Hosts per problem group (every group, zeros included), as in C(readiness.json); a host's group
    is decided by its first failing code, else by its days left and its first warning.
  returned: always
  type: dict
  sample: {not_audited: 1, wrong_password: 2, expired: 1, expiring_30: 1, ok: 2}
expiring:
  description: Certificates expiring within 30, 60 and 90 days, already expired, and per week for 13 weeks.
  returned: always
  type: dict
  sample: {expired: 1, within_30: 1, within_60: 1, within_90: 2, by_week: [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]}
changes:
  description:
    - What changed since the previous report (C(since) is its timestamp, null when there was none).
    - C(newly_not_ready) were ready and are not (or could not be audited); C(fixed) were not and are;
      C(renewed) have another certificate (fingerprint or expiry date); C(new_hosts) and C(gone_hosts) entered
      or left the report.
  returned: always
  type: dict
  sample:
    since: "2026-11-18T06:00:00Z"
    newly_not_ready: [pec-3550308]
    fixed: []
    renewed: [pec-3304557]
    new_hosts: []
    gone_hosts: []
dest:
  description: The report folder (O(dest), or the folder chosen beside the inventory).
  returned: always
  type: str
  sample: /home/equipe/estado/rnds-readiness-report
files:
  description: The report files.
  returned: always
  type: list
  elements: str
  sample: [reports/readiness.json, reports/readiness.csv, reports/readiness.html]
archived:
  description: Where the previous C(readiness.json) was moved in the history; null when nothing was moved.
  returned: always
  type: str
  sample: reports/history/readiness-20261118T060000Z.json
"""
