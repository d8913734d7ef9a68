# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The extra principals of chaves on Windows: module_utils/_argspec.py's windows_principals() (certificate_deploy,
rnds_audit)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  windows_principals:
    description:
      - Windows only. Extra users or groups given access to C(chaves) (the role's
        C(rnds_certificate_windows_extra_principals)), one allow ACE each, inherited by the files; with SYSTEM
        and Administrators they make the one security descriptor of C(chaves).
      - Names are resolved to SIDs on the host (C(.\\svc) is an account of the host itself). Everyone, LOCAL,
        Users, Authenticated Users, Guests, INTERACTIVE, NETWORK, This Organization, Local account, Domain Users
        and Guests and Computers, ALL (RESTRICTED) APPLICATION PACKAGES and the like are refused, since they would
        open the private key to every user of the host or of the domain.
    type: list
    elements: dict
    default: []
    suboptions:
      user:
        description: User or group name, or SID.
        type: str
        required: true
      rights:
        description:
          - File system rights (FileSystemRights names, comma-separated), for example C(Read) or C(Modify).
          - Rights that include C(ChangePermissions) or C(TakeOwnership) (C(FullControl) does) are refused unless
            O(windows_principals[].allow_permission_changes) is set, since they would let that account reopen C(chaves).
        type: str
        default: Read
      allow_permission_changes:
        description:
          - Allow O(windows_principals[].rights) that include C(ChangePermissions) or C(TakeOwnership).
        type: bool
        default: false
"""
