# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every SID string alias of SDDL (Microsoft's "SID Strings" table, the constants of sddl.h), for windows_acl.

Windows prints these two letters instead of the SID when a descriptor is turned into SDDL, so the audit must read
all of them: a hand-made ``chaves`` owned by the built-in Administrator prints ``O:LA``. Most stand for one SID
everywhere (``BA`` is S-1-5-32-544 on every host). The others are relative to a domain (``DA``, Domain Admins, is
``S-1-5-21-<the domain's numbers>-512``) or to the host's own account database (``LA``, the built-in
Administrator, ``-500``): the controller does not know those numbers, so such an alias is kept as
``S-1-5-21-<domain>-512`` / ``S-1-5-21-<this computer>-500``, a name that says what it is and never equals a
real SID.

No Ansible objects in here: plain data, unit-tested alone (tests/unit/plugins/plugin_utils/test_windows_acl.py).
"""

from __future__ import annotations

DOMAIN = "S-1-5-21-<domain>-%d"
ROOT_DOMAIN = "S-1-5-21-<forest root domain>-%d"
MACHINE = "S-1-5-21-<this computer>-%d"

# alias -> (SID, English name). Order and names as Microsoft's table gives them.
SDDL_SIDS = {
    "AA": ("S-1-5-32-579", "Access Control Assistance Operators"),
    "AC": ("S-1-15-2-1", "ALL APPLICATION PACKAGES"),
    "AN": ("S-1-5-7", "ANONYMOUS LOGON"),
    "AO": ("S-1-5-32-548", "Account Operators"),
    "AP": (DOMAIN % 525, "Protected Users"),
    "AS": ("S-1-18-1", "Authentication authority asserted identity"),
    "AU": ("S-1-5-11", "Authenticated Users"),
    "BA": ("S-1-5-32-544", "Administrators"),
    "BG": ("S-1-5-32-546", "Guests"),
    "BO": ("S-1-5-32-551", "Backup Operators"),
    "BU": ("S-1-5-32-545", "Users"),
    "CA": (DOMAIN % 517, "Cert Publishers"),
    "CD": ("S-1-5-32-574", "Certificate Service DCOM Access"),
    "CG": ("S-1-3-1", "CREATOR GROUP"),
    "CN": (DOMAIN % 522, "Cloneable Domain Controllers"),
    "CO": ("S-1-3-0", "CREATOR OWNER"),
    "CY": ("S-1-5-32-569", "Cryptographic Operators"),
    "DA": (DOMAIN % 512, "Domain Admins"),
    "DC": (DOMAIN % 515, "Domain Computers"),
    "DD": (DOMAIN % 516, "Domain Controllers"),
    "DG": (DOMAIN % 514, "Domain Guests"),
    "DU": (DOMAIN % 513, "Domain Users"),
    "EA": (ROOT_DOMAIN % 519, "Enterprise Admins"),
    "ED": ("S-1-5-9", "ENTERPRISE DOMAIN CONTROLLERS"),
    "EK": (ROOT_DOMAIN % 527, "Enterprise Key Admins"),
    "ER": ("S-1-5-32-573", "Event Log Readers"),
    "ES": ("S-1-5-32-576", "RDS Endpoint Servers"),
    "HA": ("S-1-5-32-578", "Hyper-V Administrators"),
    "HI": ("S-1-16-12288", "High Mandatory Level"),
    "IS": ("S-1-5-32-568", "IIS_IUSRS"),
    "IU": ("S-1-5-4", "INTERACTIVE"),
    "KA": (DOMAIN % 526, "Key Admins"),
    "LA": (MACHINE % 500, "the built-in Administrator account"),
    "LG": (MACHINE % 501, "the built-in Guest account"),
    "LS": ("S-1-5-19", "LOCAL SERVICE"),
    "LU": ("S-1-5-32-559", "Performance Log Users"),
    "LW": ("S-1-16-4096", "Low Mandatory Level"),
    "ME": ("S-1-16-8192", "Medium Mandatory Level"),
    "MP": ("S-1-16-8448", "Medium Plus Mandatory Level"),
    "MS": ("S-1-5-32-577", "RDS Management Servers"),
    "MU": ("S-1-5-32-558", "Performance Monitor Users"),
    "NO": ("S-1-5-32-556", "Network Configuration Operators"),
    "NS": ("S-1-5-20", "NETWORK SERVICE"),
    "NU": ("S-1-5-2", "NETWORK"),
    "OW": ("S-1-3-4", "OWNER RIGHTS"),
    "PA": (ROOT_DOMAIN % 520, "Group Policy Creator Owners"),
    "PO": ("S-1-5-32-550", "Print Operators"),
    "PS": ("S-1-5-10", "SELF"),
    "PU": ("S-1-5-32-547", "Power Users"),
    "RA": ("S-1-5-32-575", "RDS Remote Access Servers"),
    "RC": ("S-1-5-12", "RESTRICTED"),
    "RD": ("S-1-5-32-555", "Remote Desktop Users"),
    "RE": ("S-1-5-32-552", "Replicator"),
    "RM": ("S-1-5-32-580", "Remote Management Users"),
    "RO": (ROOT_DOMAIN % 498, "Enterprise Read-only Domain Controllers"),
    "RS": (DOMAIN % 553, "RAS and IAS Servers"),
    "RU": ("S-1-5-32-554", "Pre-Windows 2000 Compatible Access"),
    "SA": (ROOT_DOMAIN % 518, "Schema Admins"),
    "SI": ("S-1-16-16384", "System Mandatory Level"),
    "SO": ("S-1-5-32-549", "Server Operators"),
    "SS": ("S-1-18-2", "Service asserted identity"),
    "SU": ("S-1-5-6", "SERVICE"),
    "SY": ("S-1-5-18", "SYSTEM"),
    "UD": ("S-1-5-84-0-0-0-0-0", "User-mode drivers"),
    "WD": ("S-1-1-0", "Everyone"),
    "WR": ("S-1-5-33", "WRITE RESTRICTED"),
}

# Well-known SIDs that have no alias but a name worth printing.
OTHER_NAMES = {
    "S-1-2-0": "LOCAL",
    "S-1-5-113": "Local account",
    "S-1-5-114": "Local account and member of Administrators group",
    "S-1-5-15": "This Organization",
    "S-1-15-2-2": "ALL RESTRICTED APPLICATION PACKAGES",
}


def relative(sid: str) -> bool:
    """True for an alias kept as ``S-1-5-21-<...>-RID``: its real SID depends on the domain or the host."""
    return "<" in sid
