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
    every host (as esus.pec.rnds_audit returns it). Meant to run once, on the controller.
  - The JSON holds one record per host with C(host), C(ready), C(verdict), C(days_left), C(reasons) and the
    municipality's data; the HTML page needs no network (no external assets) and can be sorted and filtered.
  - A host without readiness (unreachable, audit failed) is reported with C(ready) null, counted as unknown.
  - Reports hold no secret and no CPF.
options:
  hosts:
    description: Every host of the fleet; those missing from O(readiness) are reported as unknown.
    type: list
    elements: str
    required: true
  readiness:
    description: Host name to its RNDS readiness (RV(esus.pec.rnds_audit#module:rnds_readiness)).
    type: dict
    default: {}
  dest:
    description: Folder the three files are written to (created when missing).
    type: path
    required: true
  generated:
    description: Timestamp printed in the reports (ISO 8601).
    type: str
    default: ''
attributes:
  check_mode:
    support: full
    details: Nothing is written in check mode.
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
- name: Write the fleet report on the controller
  esus.pec.readiness_report:
    hosts: "{{ ansible_play_hosts_all }}"
    readiness: "{{ dict(audited | zip(audited | map('extract', hostvars, 'rnds_readiness'))) }}"
  vars:
    audited: "{{ groups['rnds_ready'] + groups['rnds_not_ready'] }}"
    dest: reports/
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
summary:
  description: Counts of hosts.
  returned: always
  type: dict
  sample: {hosts: 7, ready: 3, not_ready: 3, unknown: 1, expiring_30: 1, expiring_90: 2}
files:
  description: The report files.
  returned: always
  type: list
  elements: str
  sample: [reports/readiness.json, reports/readiness.csv, reports/readiness.html]
"""

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.esus.pec.plugins.module_utils.report import record, summary, to_csv, to_html, to_json


def write(module: AnsibleModule, path: str, content: str) -> None:
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".esus-pec-report-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(content)
    os.chmod(temp, 0o644)
    module.atomic_move(temp, path)


def unchanged(path: str, report_json: str) -> bool:
    """True when the report on disk says the same of every host (only its timestamp would change)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle).get("hosts") == json.loads(report_json)["hosts"]
    except (OSError, ValueError, AttributeError):
        return False


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "hosts": {"type": "list", "elements": "str", "required": True},
            "readiness": {"type": "dict", "default": {}},
            "dest": {"type": "path", "required": True},
            "generated": {"type": "str", "default": ""},
        },
        supports_check_mode=True,
    )
    readiness = module.params["readiness"]
    rows = [record(host, readiness.get(host)) for host in module.params["hosts"]]
    rows.sort(key=lambda row: row["host"])
    dest = module.params["dest"]
    generated = module.params["generated"]
    contents = {
        "readiness.json": to_json(rows, generated),
        "readiness.csv": to_csv(rows),
        "readiness.html": to_html(rows, generated),
    }
    files = [os.path.join(dest, name) for name in contents]
    if unchanged(os.path.join(dest, "readiness.json"), contents["readiness.json"]):
        module.exit_json(changed=False, summary=summary(rows), files=files)
    if not module.check_mode:
        os.makedirs(dest, exist_ok=True)
        for name, content in contents.items():
            write(module, os.path.join(dest, name), content)
    module.exit_json(changed=True, summary=summary(rows), files=files)


if __name__ == "__main__":
    main()
