#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: win_chaves_certificate
short_description: Look at PEC's chaves folder on Windows, or apply a deploy's decided changes with one descriptor
version_added: 0.1.0
description:
  - The Windows host part of M(esus.pec.certificate_deploy), which validates the certificate on the controller,
    decides there what must change and sends the bytes only when they are needed; use that.
  - "Without O(apply) it only looks (RV(observed)): whether O(pec_root) exists; C(chaves), its security descriptor
    (SDDL, owner and DACL) and each file in it (size, SHA-1, SDDL); what O(dest_name) is; the SIDs of O(principals)
    (null for a name the host cannot resolve). No certificate byte travels for this."
  - "With O(apply) it makes exactly those changes, after checking that C(chaves) and the certificate are still as
    O(expect) says (compare-and-swap on their descriptors, size and SHA-1): a host changed since it was looked at
    fails, untouched. C(chaves) (and C(<pec_root>\\esus-pec-backups)) get O(sddl) in one step, before any byte is
    written; the certificate file gets C(O:BAD:AI) (owner Administrators, no ACE of its own), so it holds exactly
    what C(chaves) gives."
  - "The certificate is installed staged, verified and swapped: its bytes are checked against O(checksum) and
    O(size) as received, written under a name PEC ignores (C(.esus-pec-staging-*)) in the already closed
    C(chaves), read back and checked again, then put in place by C(ReplaceFile) (a renewal; the old file
    becomes the backup in one step) or a rename (a first install). A failure leaves the previous certificate."
  - File names compare without regard to case, as Windows does; O(pec_root) is normalised (C(/) or a trailing
    C(\) make no difference).
  - Runs in Windows PowerShell 5.1 (the .NET Framework file security API).
options:
  pec_root:
    description: The PEC webserver folder; C(chaves) is inside it.
    type: path
    required: true
  create_pec_root:
    description: Create O(pec_root) when it does not exist (with C(chaves.create)).
    type: bool
    default: false
  dest_name:
    description: File name of the certificate in C(chaves).
    type: str
    required: true
  principals:
    description: Names or SIDs of the extra principals to resolve to SIDs when looking.
    type: list
    elements: str
    default: []
  apply:
    description: The changes to make, as decided on the controller (codes of plugin_utils/chaves_plan.py).
    type: list
    elements: str
    choices: [chaves.create, chaves.permissions, certificate_file.install, certificate_file.replace,
              certificate_file.permissions, staging.remove, others.remove]
  expect:
    description:
      - What the controller saw and decided on, C(chaves) (sddl) and C(dest) (sha1, size, sddl), each null when
        absent. Anything else found now fails the task before any change.
    type: dict
  sddl:
    description: The security descriptor of C(chaves), as SDDL with the SIDs filled in. Needed with O(apply).
    type: str
  stale:
    description: Names of the staging files in C(chaves) to remove (with C(staging.remove)).
    type: list
    elements: str
    default: []
  others:
    description: Names of the other .pfx/.p12 files in C(chaves) to remove (with C(others.remove)).
    type: list
    elements: str
    default: []
  content:
    description:
      - The validated bytes, base64. Needed only when the certificate must be written; never shown.
    type: str
  backups:
    description: How many replaced certificates to keep in C(<pec_root>\esus-pec-backups). C(0) keeps none.
    type: int
    default: 2
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
    details: M(esus.pec.certificate_deploy) builds the diff from what was looked at.
  platform:
    platforms: windows
extends_documentation_fragment:
  - esus.pec.validated_bytes
  - ansible.builtin.action_common_attributes
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: Look at chaves on this Windows host as a deploy would (no bytes needed)
  esus.pec.win_chaves_certificate:
    pec_root: C:\Program Files\e-SUS\webserver
    dest_name: 3550308.pfx
    principals: ['NT SERVICE\e-SUS-PEC']
    checksum: 6d1f5b0a6a3c1ab2d62e4bc2a0c9f1d7e3b1a0f2
    size: 3208
  register: looked
"""

RETURN = r"""
observed:
  description: What was seen (without O(apply)), in the shape of M(esus.pec.win_pec_probe)'s answer (C(pec),
    C(chaves), C(files), C(sids)) plus C(dest) (C(kind) of the deployed file's path).
  returned: when looking
  type: dict
changes:
  description: The codes applied.
  returned: when applying
  type: list
  elements: str
  sample: [chaves.create, certificate_file.install]
dest:
  description: Path of the certificate on the host.
  returned: always
  type: str
  sample: C:\Program Files\e-SUS\webserver\chaves\3550308.pfx
backup:
  description: Where the replaced certificate was kept.
  returned: when a certificate was replaced and O(backups) is not 0
  type: str
"""
