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
    once, on the controller.
  - The JSON (English keys, for machines) holds one record per host with C(host), C(ready), C(verdict),
    C(days_left), C(reasons), the municipality's data, its C(problem) group, its checks' statuses and the
    certificate's C(fingerprint_sha256); the hosts per problem (C(groups)); certificates expiring within 30,
    60 and 90 days and per week for 13 weeks (C(expiring)); and what changed since the previous report
    (C(changes)).
  - The CSV and the page are for people, in O(language). The page groups the hosts by problem with the next
    step for each group, lists what changed, draws the expiry timeline, and has a host table that can be
    filtered (text, problem, change) and sorted at thousands of rows. It needs no network (no external asset)
    and carries a Content-Security-Policy that lets only its own style and script run.
  - History. Before a new report is written, the previous C(readiness.json) is moved to
    C(history/readiness-<its generated time>.json) and the newest O(history) are kept. The new report is
    compared with that previous one.
  - When no host changed since the report in O(dest) (only its timestamp would), nothing is written and
    nothing is moved.
  - A host without readiness (unreachable, audit failed) is reported with C(ready) null, counted as unknown.
  - Reports hold no secret and no CPF.
requirements:
  - jinja2 (on the controller, where this module runs; Ansible itself needs it)
options:
  hosts:
    description:
      - Every host of the fleet; those missing from O(readiness) are reported as not audited.
      - One of O(hosts) and O(merge) is required; they are mutually exclusive.
    type: list
    elements: str
  readiness:
    description: Host name to its RNDS readiness (RV(esus.pec.rnds_audit#module:rnds_readiness)).
    type: dict
    default: {}
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
    description: Folder the three files are written to (created when missing); its C(history) folder holds the
      previous reports.
    type: path
    required: true
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
      - The page's Jinja2 template, on the controller. The role esus.pec.rnds_readiness and the playbook
        esus.pec.report_merge pass the one they ship, C(roles/rnds_readiness/templates/readiness.html.j2) in
        the collection.
      - Rendered with autoescape on.
    type: path
    required: true
attributes:
  check_mode:
    support: full
    details: Nothing is written or moved in check mode; the result says what the report would hold.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: Write the fleet report on the controller, in English, keeping a year of weekly reports
  esus.pec.readiness_report:
    hosts: "{{ ansible_play_hosts_all }}"
    # each host's own result, registered from its esus.pec.rnds_audit task (register: audit); not the rnds_readiness
    # fact, which ansible-core 2.21 can give another host's value within the run (ansible/ansible#87492)
    readiness: "{{ dict(audited | zip(audited | map('extract', hostvars, 'audit')
                   | map(attribute='rnds_readiness'))) }}"
    dest: reports/
    generated: "{{ now(utc=true, fmt='%Y-%m-%dT%H:%M:%SZ') }}"
    language: en
    history: 52
    # a copy of the collection's roles/rnds_readiness/templates/readiness.html.j2, kept (and maybe adapted) here
    template: "{{ playbook_dir }}/templates/readiness.html.j2"
  vars:
    # the hosts esus.pec.rnds_audit (add_to_group) put in a group; either group is missing while it has no host
    audited: "{{ (groups['rnds_ready'] | default([])) + (groups['rnds_not_ready'] | default([])) }}"
  delegate_to: localhost
  run_once: true

- name: One report from the reports of this week's AWX job slices, each in its own folder on a shared volume
  esus.pec.readiness_report:
    merge:
      - "/srv/esus-pec/rnds/slices/{{ now(utc=true, fmt='%Y-%m-%d') }}/*"
    dest: /srv/esus-pec/rnds/estado
    template: "{{ playbook_dir }}/templates/readiness.html.j2"
  delegate_to: localhost
  run_once: true

- name: The same from two named reports, the page in English, no history kept
  esus.pec.readiness_report:
    merge:
      - relatorios/norte/readiness.json
      - relatorios/sul
    dest: relatorios/estado
    language: en
    history: 0
    template: "{{ playbook_dir }}/templates/readiness.html.j2"
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
summary:
  description: Counts of hosts.
  returned: always
  type: dict
  sample: {hosts: 7, ready: 3, not_ready: 3, unknown: 1, expiring_30: 1, expiring_90: 2}
groups:
  description: Hosts per problem group (every group, zeros included), as in C(readiness.json).
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

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.esus.pec.plugins.module_utils.report import (
    CSV_NAME,
    HAS_JINJA2,
    HTML_NAME,
    JINJA2_IMPORT_ERROR,
    JSON_NAME,
    TEMPLATE_ERROR,
    ReportError,
    archive,
    build,
    expand_parts,
    load_report,
    merge,
    previous_report,
    record,
    to_csv,
    to_html,
    to_json,
    unchanged,
)

ARGUMENT_SPEC = {
    "hosts": {"type": "list", "elements": "str"},
    "readiness": {"type": "dict", "default": {}},
    "merge": {"type": "list", "elements": "path"},
    "dest": {"type": "path", "required": True},
    "generated": {"type": "str", "default": ""},
    "language": {"type": "str", "choices": ["pt-BR", "en"], "default": "pt-BR"},
    "history": {"type": "int", "default": 12},
    "template": {"type": "path", "required": True},
}


def write(module: AnsibleModule, path: str, content: str) -> None:
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".esus-pec-report-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(content)
    os.chmod(temp, 0o644)
    module.atomic_move(temp, path)


def read_template(module: AnsibleModule, path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        module.fail_json(
            msg="template %s cannot be read (%s). Give the page template the collection ships: "
            "<collection>/roles/rnds_readiness/templates/readiness.html.j2 (the role rnds_readiness and the "
            "playbook esus.pec.report_merge pass it)." % (path, getattr(exc, "strerror", None) or exc)
        )


def main() -> None:
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        required_one_of=[("hosts", "merge")],
        mutually_exclusive=[("hosts", "merge")],
        supports_check_mode=True,
    )
    if not HAS_JINJA2:
        module.fail_json(
            msg=missing_required_lib("jinja2", reason="to write readiness.html"), exception=JINJA2_IMPORT_ERROR
        )
    params = module.params
    if params["history"] < 0:
        module.fail_json(msg="history must be 0 (keep no previous report) or more, not %d." % params["history"])
    template = read_template(module, params["template"])
    generated = params["generated"]
    merged_from = []
    if params["merge"]:
        try:
            paths = expand_parts(params["merge"])
            parts = [load_report(path) for path in paths]
        except ReportError as exc:
            module.fail_json(msg="%s Nothing was written." % exc)
        rows, latest = merge(parts)
        generated = generated or latest
        merged_from = [
            {"path": path, "generated": part["generated"], "hosts": len(part["hosts"])}
            for path, part in zip(paths, parts)
        ]
    else:
        readiness = params["readiness"]
        rows = [record(host, readiness.get(host), generated) for host in dict.fromkeys(params["hosts"])]
    dest = params["dest"]
    files = [os.path.join(dest, name) for name in (JSON_NAME, CSV_NAME, HTML_NAME)]
    previous_path, previous = previous_report(dest)
    document = build(rows, generated, previous, params["language"], merged_from)
    if previous_path == files[0] and all(os.path.isfile(path) for path in files) and unchanged(document, previous):
        module.exit_json(
            changed=False,
            summary=previous["summary"],
            groups=previous.get("groups") or document["groups"],
            expiring=previous.get("expiring") or document["expiring"],
            changes=previous.get("changes") or document["changes"],
            files=files,
            archived=None,
        )
    try:
        page = to_html(document, template)
    except TEMPLATE_ERROR as exc:  # a broken template: its syntax or an undefined variable, named
        module.fail_json(
            msg="template %s: %s (line %s)." % (params["template"], exc, getattr(exc, "lineno", "?")),
        )
    archived = None
    if not module.check_mode:
        os.makedirs(dest, exist_ok=True)
        archived = archive(dest, params["history"])
        write(module, files[1], to_csv(document))
        write(module, files[2], page)
        write(module, files[0], to_json(document))  # last: a readiness.json means the other two are its own
    module.exit_json(
        changed=True,
        summary=document["summary"],
        groups=document["groups"],
        expiring=document["expiring"],
        changes=document["changes"],
        files=files,
        archived=archived,
    )


if __name__ == "__main__":
    main()
