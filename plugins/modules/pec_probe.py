#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pec_probe
short_description: Look at a Linux PEC server in one pass (PEC install, chaves, certificates, network)
version_added: 0.1.0
description:
  - Reads, in one module execution, what the RNDS readiness audit needs from a Linux PEC server, using only
    the Python standard library (the host needs no C(cryptography)).
  - PEC's install state, version and the Java it runs on come from O(pec_config); only its C(success),
    C(production), C(version), C(webserverVersion), C(directory), C(webserverDirectory) and C(jreVersion) keys
    are read back, never the database credentials the file also holds.
  - The state of the service O(service) (systemd), the key names (never values) of PEC's properties files for
    CADSUS, and the host's clock.
  - Lists the files in C(chaves) with their size and SHA-1, and returns the bytes of the single PKCS#12 file
    (base64) so that M(esus.pec.rnds_audit) validates it on the controller and drops them.
  - Tries a TCP connection to each of O(endpoints) from the host.
  - Returns the local fact the last audit left (RV(fact_current)), so that the audit writes it only when it changed.
  - With O(fact), writes it instead (JSON) to O(fact_path), the local fact the audit leaves behind; with
    O(metrics_content), the Prometheus file of the audit's decision, in the same execution.
  - Meant to be called by the M(esus.pec.rnds_audit) action, which runs the same code directly on the host's
    Python (one remote command, no module wrapper) and calls this module when that gives no answer and to write
    the fact; usable alone.
options:
  read_certificate:
    description:
      - Return the bytes (base64) of the single .pfx/.p12 in C(chaves), when there is exactly one.
      - Only for M(esus.pec.rnds_audit), which validates them on the controller and removes them from its
        result; called alone with this on, the encrypted file would show in the task result.
    type: bool
    default: false
  service:
    description: The systemd unit of PEC whose state is returned (RV(service)); empty does not look.
    type: str
    default: ""
  https_port:
    description: When PEC's HTTPS is configured, the loopback port whose certificate is returned (RV(cadsus)).
    type: int
    default: 443
  trust_store:
    description:
      - PEC's Java trust store (its JRE's C(lib/security/cacerts)); when set, each endpoint the host reaches is also
        tried with a TLS handshake verified against that store's trusted certificates only, as PEC's Java would
        (RV(trust)). Empty does not look.
    type: path
    default: ""
  fact:
    description: When given, write this dictionary as JSON to O(fact_path) and do nothing else.
    type: dict
  fact_path:
    description: Where O(fact) is written (a C(.fact) file in C(/etc/ansible/facts.d) is read back by setup).
    type: path
    default: /etc/ansible/facts.d/esus_pec_rnds.fact
  metrics_path:
    description:
      - The Prometheus file of the audit's decision (C(esus_pec_rnds.prom) in the metrics folder), read back as
        RV(metrics_current); with O(metrics_content), written instead (atomically, mode 0644, only when it differs).
      - Unset, no metrics file is read or written.
    type: path
  metrics_content:
    description: When given, write this text to O(metrics_path) (with O(fact), in the same execution).
    type: str
  timestamp_path:
    description: The Prometheus file of the audit's time (C(esus_pec_rnds_audit.prom)), written by the look.
    type: path
  timestamp_content:
    description:
      - When given with O(metrics_path) and O(timestamp_path), the look writes it to O(timestamp_path)
        (atomically), so the audit's time, which changes on every audit, costs no second execution.
      - M(esus.pec.rnds_audit) gives none in check mode.
    type: str
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - esus.pec.pec_root.linux
  - esus.pec.endpoints
  - esus.pec.probe
  - esus.pec.pec_config
  - ansible.builtin.action_common_attributes
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: Look at the PEC server
  esus.pec.pec_probe:
    endpoints:
      - host: ehr-auth.saude.gov.br
        port: 443
  register: pec
"""

RETURN = r"""
pec:
  description: PEC installation.
  returned: always
  type: dict
  sample:
    installed: true
    config: read
    config_path: /etc/pec.config
    config_error: null
    success: true
    production: true
    version: "5.3.21"
    webserver_version: "5.3.21"
    directory: /opt/e-SUS
    webserver_directory: /opt/e-SUS/webserver
    jre_version: 17.0.10-linux_x64
service:
  description: The state of O(service) (active, inactive, failed, not_installed, no_systemd, unknown).
  returned: when O(service) is set and O(fact) is not given
  type: dict
  sample: {name: e-SUS-PEC, state: active, detail: active/running}
cadsus:
  description:
    - What CADSUS needs besides the certificate, from key names only; C(https) is C(certmgr) (5.3+),
      C(application.properties) or null; C(port) the HTTPS port's answer and certificate (DER, base64).
  returned: when O(fact) is not given
  type: dict
  sample: {https: certmgr, govbr_login: true, application_properties: read}
time:
  description: The host's clock (seconds since the epoch), compared with the controller's.
  returned: when O(fact) is not given
  type: float
chaves:
  description:
    - The chaves folder (owner, group and mode when it exists).
    - C(readable) is false, with C(error), when the user the probe runs as cannot list it (no become).
  returned: always
  type: dict
  sample: {exists: true, is_dir: true, readable: true, owner: root, group: root, mode: "0750",
           path: /opt/e-SUS/webserver/chaves}
user:
  description: The user the probe ran as (after become).
  returned: always
  type: str
  sample: root
fact_current:
  description: The text of O(fact_path) as the last audit left it (null when absent or unreadable).
  returned: when O(fact) is not given
  type: str
files:
  description:
    - Regular files in chaves, with name, size, sha1, owner, group and mode.
    - C(readable) is false (and C(sha1) null) for a file the probe's user cannot read.
  returned: always
  type: list
  elements: dict
  sample: [{name: 3550308.pfx, size: 3208, sha1: 6d1f5b0a6a3c1ab2d62e4bc2a0c9f1d7e3b1a0f2, owner: root, group: root,
            mode: "0600"}]
metrics_current:
  description: The text of O(metrics_path) as the last audit left it (null when absent or unreadable).
  returned: when O(metrics_path) is given and O(fact) and O(metrics_content) are not
  type: str
timestamp_error:
  description: Why O(timestamp_content) could not be written (null when it was, or was not asked).
  returned: when O(metrics_path) is given and O(fact) and O(metrics_content) are not
  type: str
certificate_b64:
  description: Bytes of the single .pfx/.p12 in chaves, base64. Meant for the controller only.
  returned: when O(read_certificate) and chaves holds exactly one .pfx/.p12 of at most 1 MiB
  type: str
network:
  description: One result per endpoint (host, port, reachable, error).
  returned: when O(endpoints) is not empty
  type: list
  elements: dict
  sample: [{host: ehr-auth.saude.gov.br, port: 443, reachable: false, error: cannot resolve the name, stage: dns}]
trust:
  description:
    - PEC's Java trust store O(trust_store) as Java reads it (C(format) JKS, JCEKS or PKCS12, C(anchors) the number of
      trusted certificates, C(error) why it could not be read) and, for each endpoint of RV(network) the host reached,
      a TLS handshake verified against those certificates only (C(trusted) true, false when the chain or the name
      was refused, null when no handshake happened; C(error) the reason).
  returned: when O(trust_store) and O(endpoints) are not empty
  type: dict
  sample:
    path: /opt/e-SUS/jre/current/lib/security/cacerts
    format: JKS
    anchors: 145
    error: null
    endpoints: [{host: ehr-auth.saude.gov.br, port: 443, trusted: false, error: unable to get local issuer certificate}]
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.esus.pec.plugins.module_utils._argspec import pec_probe_spec
from ansible_collections.esus.pec.plugins.module_utils.host_probe import fact_text, look, read_fact


def write_fact(module: AnsibleModule, path: str, content: str) -> bool:
    """``content`` in ``path`` (the local fact, the decision's metrics), only when it differs."""
    if read_fact(path) == content:
        return False
    if module.check_mode:
        return True
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o755, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=directory, prefix=".esus-pec-fact-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(content)
    os.chmod(temp, 0o644)
    module.atomic_move(temp, path)
    return True


def main() -> None:
    module = AnsibleModule(argument_spec=pec_probe_spec(), supports_check_mode=True)
    params = module.params
    if params["fact"] is not None or params["metrics_content"] is not None:
        changed = False
        if params["fact"] is not None:
            changed = write_fact(module, params["fact_path"], fact_text(params["fact"]))
        if params["metrics_content"] is not None and params["metrics_path"]:
            changed = write_fact(module, params["metrics_path"], params["metrics_content"]) or changed
        module.exit_json(changed=changed, fact_path=params["fact_path"])
    module.exit_json(**look(params))


if __name__ == "__main__":
    main()
