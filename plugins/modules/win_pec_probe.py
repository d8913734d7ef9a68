#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: win_pec_probe
short_description: Read what the RNDS readiness audit needs from a Windows PEC server, in one execution
version_added: 0.1.0
description:
  - The Windows host part of M(esus.pec.rnds_audit); use that. Read-only, check mode included.
  - "Returns in one execution: whether PEC is installed in O(pec_root) and its version (the
    C(Implementation-Version) of C(webserver\\pec-bundle.jar)'s manifest, else the version in the service
    wrapper's C(webserver\\service.xml); never the uninstall registry, whose e-SUS entry is the bundled
    PostgreSQL's; null with the reason in C(version_source) otherwise), the state of the service O(service) from
    the service manager, the host's clock, the security descriptor of
    C(chaves) and of each file in it (SDDL, owner and DACL), their sizes and SHA-1, the bytes of the
    certificate when C(chaves) holds exactly one .pfx/.p12 (for the controller's verdict), the SIDs of
    O(principals), whether each of O(endpoints) accepts a TCP connection, and the local fact left by the
    last audit."
  - An error reading something is returned as that error, not as an absence.
  - With O(fact_content), writes that text to O(fact_path) instead, only when it differs from what is there, and
    does nothing else. Its folder (and the one above, when missing) is created owned by Administrators,
    protected, for SYSTEM and Administrators only, since ansible.windows.setup runs every C(*.ps1) of a
    C(fact_path); a folder, parent folder or file in it owned by anyone else is refused untouched.
options:
  pec_root:
    description: The PEC webserver folder.
    type: path
    default: C:\Program Files\e-SUS\webserver
  principals:
    description: Names or SIDs to resolve to SIDs on the host.
    type: list
    elements: str
    default: []
  read_certificate:
    description: Return the bytes of the single certificate in C(chaves) (base64).
    type: bool
    default: true
  max_size:
    description: A certificate file larger than this many bytes is not read.
    type: int
    default: 1048576
  fact_path:
    description: The local fact of the audit.
    type: path
    default: C:\ProgramData\esus.pec\facts.d\esus_pec_rnds.json
  fact_content:
    description: When given, write this text to O(fact_path) (only when it differs) and do nothing else.
    type: str
  service:
    description: The Windows service PEC runs as, whose state is returned (RV(service)); empty does not look.
    type: str
    default: ""
  metrics_path:
    description:
      - The Prometheus file of the audit's decision (C(esus_pec_rnds.prom) in windows_exporter's textfile folder),
        read back as RV(metrics_current); with O(metrics_content), written instead (with O(fact_content), in the
        same execution; atomically, only when it differs).
    type: path
  metrics_content:
    description: When given, write this text to O(metrics_path) (only when it differs).
    type: str
  timestamp_path:
    description: The Prometheus file of the audit's time (C(esus_pec_rnds_audit.prom)), written by the look.
    type: path
  timestamp_content:
    description: When given with O(metrics_path) and O(timestamp_path), the look writes it (not in check mode).
    type: str
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: windows
extends_documentation_fragment:
  - esus.pec.endpoints
  - esus.pec.probe
  - ansible.builtin.action_common_attributes
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: Look at the PEC server
  esus.pec.win_pec_probe:
    endpoints:
      - host: ehr-auth.saude.gov.br
  register: probe
"""

RETURN = r"""
metrics_current:
  description: The text of O(metrics_path) as the last audit left it (null when absent).
  returned: probe, when O(metrics_path) is given
  type: str
timestamp_error:
  description: Why O(timestamp_content) could not be written (null when it was, or was not asked).
  returned: probe, when O(metrics_path) is given
  type: str
pec:
  description: C(installed), C(version), C(version_source) (where the version came from, or why none) and C(error).
  returned: probe
  type: dict
service:
  description: C(name), C(state) (active, inactive, failed, not_installed, unknown) and C(detail) of O(service).
  returned: probe, when O(service) is set
  type: dict
time:
  description: The host's clock, seconds since the epoch (UTC).
  returned: probe
  type: float
cadsus:
  description:
    - What CADSUS needs besides the certificate, from key names only (never values) of C(config\application.properties)
      and C(certmgr\config\ssl.properties); C(https) (C(certmgr), C(application.properties) or null), C(govbr_login),
      C(application_properties) (read or missing). Null when PEC is not installed or the files cannot be read.
  returned: probe
  type: dict
chaves:
  description: C(exists), C(is_dir), C(readable), C(sddl) and C(error) of the chaves folder.
  returned: probe
  type: dict
files:
  description: Each file in C(chaves), with C(name), C(size), C(sha1), C(sddl), C(readable) and C(error).
  returned: probe
  type: list
  elements: dict
certificate_b64:
  description: The single certificate's bytes, base64 (the controller validates them and drops them).
  returned: probe
  type: str
network:
  description: One entry per endpoint, with C(host), C(port), C(reachable) and C(error).
  returned: probe
  type: list
  elements: dict
sids:
  description: Each of O(principals) and its SID (null when the host cannot resolve it).
  returned: probe
  type: dict
user:
  description: The account the probe ran as.
  returned: probe
  type: str
fact_current:
  description: The text of the local fact the last audit left (null when there is none).
  returned: probe
  type: str
fact_path:
  description: The normalised O(fact_path).
  returned: always
  type: str
"""
