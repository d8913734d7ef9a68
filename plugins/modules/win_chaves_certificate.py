#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: win_chaves_certificate
short_description: Close PEC's chaves folder on Windows with one security descriptor and swap in a certificate
version_added: 0.1.0
description:
  - The Windows host part of M(esus.pec.certificate_deploy), which validates the certificate on the controller,
    builds O(sddl) and sends the bytes; use that. Everything happens in B(one) module execution.
  - The extra O(principals) are resolved to SIDs on the host first; a name the host does not know fails the
    task before anything changes.
  - C(chaves) (and C(<pec_root>\esus-pec-backups)) get the owner, protection and explicit ACEs of O(sddl) in one
    step, and stray explicit ACEs go; C(changed) only when the descriptor differs. The certificate file gets
    C(O:BAD:AI) (owner Administrators, no ACE of its own), so it holds exactly what C(chaves) gives.
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
    type: str
    default: C:\Program Files\e-SUS\webserver
  create_pec_root:
    description: Create O(pec_root) when it does not exist, instead of failing.
    type: bool
    default: false
  dest_name:
    description: File name of the certificate in C(chaves).
    type: str
    required: true
  sddl:
    description:
      - The security descriptor of C(chaves), as SDDL; C({0}), C({1})... stand for the SIDs of O(principals).
    type: str
    required: true
  principals:
    description: Names or SIDs of the extra principals the placeholders of O(sddl) stand for, in order.
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
  remove_others:
    description: Remove the other .pfx/.p12 files from C(chaves).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: windows
extends_documentation_fragment:
  - esus.pec.validated_bytes
  - esus.pec.option_names
  - ansible.builtin.action_common_attributes
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: See what a deploy would change on this Windows host (no bytes needed)
  esus.pec.win_chaves_certificate:
    dest_name: 3550308.pfx
    sddl: O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;{0})
    principals: ['NT SERVICE\e-SUS-PEC']
    checksum: 6d1f5b0a6a3c1ab2d62e4bc2a0c9f1d7e3b1a0f2
    size: 3208
  check_mode: true
"""

RETURN = r"""
changes:
  description: What was changed (or, in check mode, would be).
  returned: always
  type: list
  elements: str
  sample: [create chaves, install the certificate]
dest:
  description: Path of the certificate on the host.
  returned: always
  type: str
  sample: C:\Program Files\e-SUS\webserver\chaves\3550308.pfx
checksum:
  description: The O(checksum) given; the file on the host has it after a run that changed it.
  returned: always
  type: str
sddl:
  description: The descriptor of C(chaves), with the SIDs filled in.
  returned: when the principals were resolved
  type: str
  sample: O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)
sids:
  description: The SIDs of O(principals), in order.
  returned: when the principals were resolved
  type: list
  elements: str
backup:
  description: Where the replaced certificate was kept.
  returned: when a certificate was replaced and O(backups) is not 0
  type: str
others:
  description: Other .pfx/.p12 files in C(chaves) (removed with O(remove_others)).
  returned: always
  type: list
  elements: str
"""
