# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one security descriptor of ``chaves`` on Windows, as SDDL: built, parsed and compared here.

``chaves`` (and the backup folder) get ``O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)`` plus one ACE per extra
principal: owner Administrators, protected from the parent's ACEs, and exactly these explicit ACEs, inherited
by what is inside. The certificate file gets ``O:BAD:AI``: owner Administrators, no explicit ACE, so it holds
exactly what ``chaves`` gives. The extra principals may be names that only the host can resolve to SIDs, so
the descriptor travels as a template (``{0}``, ``{1}``... stand for their SIDs, .NET ``String.Format``) with the
names beside it; the host fills it in and returns the SIDs, and this module compares what a host reports.

No Ansible objects in here: plain functions, unit-tested alone.
"""

from __future__ import annotations

import re

from ansible_collections.esus.pec.plugins.plugin_utils._sddl_sids import OTHER_NAMES, SDDL_SIDS

ADMINISTRATORS = "S-1-5-32-544"
SYSTEM = "S-1-5-18"

# System.Security.AccessControl.FileSystemRights, by name. An allow ACE also carries Synchronize (.NET adds it).
FILE_SYSTEM_RIGHTS = {
    "ListDirectory": 0x1,
    "ReadData": 0x1,
    "CreateFiles": 0x2,
    "WriteData": 0x2,
    "AppendData": 0x4,
    "CreateDirectories": 0x4,
    "ReadExtendedAttributes": 0x8,
    "WriteExtendedAttributes": 0x10,
    "ExecuteFile": 0x20,
    "Traverse": 0x20,
    "DeleteSubdirectoriesAndFiles": 0x40,
    "ReadAttributes": 0x80,
    "WriteAttributes": 0x100,
    "Write": 0x116,
    "Delete": 0x10000,
    "ReadPermissions": 0x20000,
    "Read": 0x20089,
    "ReadAndExecute": 0x200A9,
    "Modify": 0x301BF,
    "ChangePermissions": 0x40000,
    "TakeOwnership": 0x80000,
    "Synchronize": 0x100000,
    "FullControl": 0x1F01FF,
}
SYNCHRONIZE = 0x100000
FULL_CONTROL = 0x1F01FF

# SDDL access-right aliases (sddl.h) that Windows prints for file objects.
_RIGHT_ALIASES = {
    "GA": 0x10000000,
    "GR": 0x80000000,
    "GW": 0x40000000,
    "GX": 0x20000000,
    "RC": 0x20000,
    "SD": 0x10000,
    "WD": 0x40000,
    "WO": 0x80000,
    "FA": 0x1F01FF,
    "FR": 0x120089,
    "FW": 0x120116,
    "FX": 0x1200A0,
    "CC": 0x1,
    "DC": 0x2,
    "LC": 0x4,
    "SW": 0x8,
    "RP": 0x10,
    "WP": 0x20,
    "DT": 0x40,
    "LO": 0x80,
    "CR": 0x100,
}
# SID aliases Windows uses in SDDL: every one of Microsoft's "SID Strings" table (_sddl_sids.py). A domain- or
# machine-relative alias (DA, DU, LA...) becomes "S-1-5-21-<domain>-512"-style text: named, never a real SID.
SID_ALIASES = {alias: sid for alias, (sid, _name) in SDDL_SIDS.items()}
_SID_NAMES = dict(dict(SDDL_SIDS.values()), **OTHER_NAMES)
# Groups that would open chaves (and the private key) to every local or network user, or to every account of a
# domain: refused as extra principals. A domain's Users (-513), Guests (-514) and Computers (-515) are refused
# whatever the domain (a SID S-1-5-21-...-513).
BROAD_SIDS = {
    "S-1-1-0": "Everyone",
    "S-1-2-0": "LOCAL",
    "S-1-5-32-545": "Users",
    "S-1-5-11": "Authenticated Users",
    "S-1-5-4": "INTERACTIVE",
    "S-1-5-2": "NETWORK",
    "S-1-5-7": "ANONYMOUS LOGON",
    "S-1-5-15": "This Organization",
    "S-1-5-113": "Local account",
    "S-1-5-114": "Local account and member of Administrators group",
    "S-1-5-32-546": "Guests",
    "S-1-15-2-1": "ALL APPLICATION PACKAGES",
    "S-1-15-2-2": "ALL RESTRICTED APPLICATION PACKAGES",
}
_BROAD_DOMAIN_RIDS = {"513": "Domain Users", "514": "Domain Guests", "515": "Domain Computers"}
_BROAD_NAMES = {name.casefold() for name in BROAD_SIDS.values()} | {
    "builtin\\users",
    "builtin\\guests",
    "nt authority\\authenticated users",
    "nt authority\\interactive",
    "nt authority\\network",
    "nt authority\\anonymous logon",
    "nt authority\\this organization",
    "nt authority\\local account",
    "nt authority\\local account and member of administrators group",
    "application package authority\\all application packages",
    "application package authority\\all restricted application packages",
    "domain users",
    "domain guests",
    "domain computers",
    "todos",
    "usuários",
    "usuarios",
    "usuários autenticados",
    "convidados",
    "usuários do domínio",
    "convidados do domínio",
    "computadores do domínio",
}
# Rights that let the holder rewrite the descriptor of chaves (WRITE_DAC) or take it (WRITE_OWNER), so reopen it.
PERMISSION_RIGHTS = {"ChangePermissions": 0x40000, "TakeOwnership": 0x80000}
DEFAULT_RIGHTS = "Read"
_ACE_FLAGS = {"CI", "OI", "NP", "IO", "ID", "SA", "FA"}
_ACE = re.compile(r"\(([^()]*)\)")
_SID = re.compile(r"^S-1-\d+(-\d+)*$", re.IGNORECASE)


class SddlError(ValueError):
    """The text is not an SDDL string this module understands."""


PERMISSION_RIGHTS_MASK = sum(PERMISSION_RIGHTS.values())


def _bare(name: str) -> str:
    """``pec01\\domain users`` -> ``domain users``: the group's name without its domain or computer."""
    return name.rpartition("\\")[2]


def rights_mask(rights: str) -> int:
    """``"Modify"`` or ``"Read, Write"`` -> the access mask of an allow ACE (with Synchronize, as .NET sets it)."""
    mask = 0
    for name in (part.strip() for part in str(rights).split(",")):
        if name not in FILE_SYSTEM_RIGHTS:
            raise SddlError(
                "%r is not a file system right (use one of FullControl, Modify, ReadAndExecute, Read, Write)" % name
            )
        mask |= FILE_SYSTEM_RIGHTS[name]
    return mask | SYNCHRONIZE


def _mask_text(mask: int) -> str:
    return "FA" if mask == FULL_CONTROL else "0x%x" % mask


def chaves_template(extra_principals: list) -> tuple[str, list]:
    """(SDDL template of chaves, the names or SIDs its placeholders stand for, in order).

    ``extra_principals``: [{"user": name or SID, "rights": "Modify", "allow_permission_changes": False}]. Rights
    default to Read; rights that include ChangePermissions or TakeOwnership (FullControl does) are refused unless
    the principal has ``allow_permission_changes``. SYSTEM and Administrators get full control whatever is asked;
    a principal named twice gets one ACE with both rights.
    """
    masks: dict[str, int] = {}
    spelling: dict[str, str] = {}  # as the user wrote it: the host resolves that
    for principal in extra_principals:
        user = str(principal["user"]).strip()
        if not user:
            raise SddlError("an extra principal has an empty user")
        key = user.upper() if _SID.match(user) else user.casefold()
        broad = BROAD_SIDS.get(key) or (user if _bare(key) in _BROAD_NAMES or key in _BROAD_NAMES else None)
        if not broad and key.startswith("S-1-5-21-"):
            broad = _BROAD_DOMAIN_RIDS.get(key.rsplit("-", 1)[1])
        if broad:
            raise SddlError(
                "%s would open chaves, and the municipality's private key, to every user of the host: give access "
                "to the PEC service account only" % broad
            )
        if key in (SYSTEM, ADMINISTRATORS):
            continue
        mask = rights_mask(principal.get("rights") or DEFAULT_RIGHTS)
        if mask & PERMISSION_RIGHTS_MASK and not principal.get("allow_permission_changes"):
            raise SddlError(
                "%s would get %s, which includes changing the permissions or the owner of chaves (so reopening it): "
                "give Read (the service account only reads the certificate) or Modify, or set "
                "allow_permission_changes: true for this principal if that is really meant"
                % (user, principal.get("rights") or DEFAULT_RIGHTS)
            )
        masks[key] = masks.get(key, 0) | mask
        spelling.setdefault(key, user)
    names = [spelling[key] for key in masks]
    masks_in_order = list(masks.values())
    aces = "".join("(A;OICI;%s;;;{%d})" % (_mask_text(mask), i) for i, mask in enumerate(masks_in_order))
    return "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)" + aces, names


FILE_SDDL = "O:BAD:AI"


def fill(template: str, sids: list) -> str:
    """The template with the SIDs the host resolved (what the host's String.Format does)."""
    return template.format(*sids)


def parse(sddl: str) -> dict:
    """SDDL (owner and DACL) -> {owner, protected, aces: sorted [(type, flags, mask, sid)]}; explicit and
    inherited ACEs apart (``ID`` flag)."""
    text = (sddl or "").strip()
    owner = None
    match = re.search(r"O:([^:]+?)(?=[GDS]:|$)", text)
    if match:
        owner = _sid(match.group(1))
    dacl = re.search(r"D:([A-Z]*)((?:\([^()]*\))*)", text)
    if dacl is None:
        raise SddlError("no DACL in %r" % sddl)
    control, body = dacl.group(1), dacl.group(2)
    aces = []
    for ace in _ACE.findall(body):
        fields = ace.split(";")
        if len(fields) != 6:
            raise SddlError("ACE %r has %d fields, not 6" % (ace, len(fields)))
        kind, flags, rights, _object, _inherit_object, sid = fields
        if kind not in ("A", "D"):
            raise SddlError("ACE %r is neither allow (A) nor deny (D)" % ace)
        flag_set = frozenset(flags[i : i + 2] for i in range(0, len(flags), 2))
        if len(flags) % 2 or not flag_set <= _ACE_FLAGS:
            raise SddlError("ACE %r has unknown flags %r" % (ace, flags))
        aces.append(("allow" if kind == "A" else "deny", flag_set, _mask(rights), _sid(sid)))
    return {
        "owner": owner,
        "protected": "P" in control.replace("AI", "").replace("AR", ""),
        "explicit": sorted((a for a in aces if "ID" not in a[1]), key=_order),
        "inherited": sorted((a for a in aces if "ID" in a[1]), key=_order),
    }


def _order(ace: tuple) -> tuple:
    return (ace[0], ace[3], ace[2], sorted(ace[1]))


def _sid(text: str) -> str:
    if text in SID_ALIASES:
        return SID_ALIASES[text]
    if _SID.match(text):
        return text.upper()
    raise SddlError("%r is not a SID" % text)


def _mask(text: str) -> int:
    if text.lower().startswith("0x"):
        try:
            return int(text, 16)
        except ValueError as exc:
            raise SddlError("bad access mask %r" % text) from exc
    if text.isdigit():
        return int(text)
    if len(text) % 2:
        raise SddlError("bad access rights %r" % text)
    mask = 0
    for i in range(0, len(text), 2):
        alias = text[i : i + 2]
        if alias not in _RIGHT_ALIASES:
            raise SddlError("unknown access right %r" % alias)
        mask |= _RIGHT_ALIASES[alias]
    return mask


def describe_sid(sid: str, names: dict | None = None) -> str:
    name = (names or {}).get(sid) or _SID_NAMES.get(sid)
    return "%s (%s)" % (name, sid) if name else sid


_GENERIC = {
    0x10000000: "GenericAll",
    0x80000000: "GenericRead",
    0x40000000: "GenericWrite",
    0x20000000: "GenericExecute",
}


def _describe_ace(ace: tuple, names: dict | None) -> str:
    kind, flags, mask, sid = ace
    rights = _GENERIC.get(mask) or next(
        (n for n, m in FILE_SYSTEM_RIGHTS.items() if m | SYNCHRONIZE == mask), "0x%x" % mask
    )
    scope = "" if flags == {"OI", "CI"} else " (flags %s)" % (" ".join(sorted(flags)) or "none")
    return "%s %s %s%s" % (kind, describe_sid(sid, names), rights, scope)


def differences(expected: str, actual: str, names: dict | None = None) -> list:
    """What differs between the intended descriptor and the one a host reports, in plain words (empty: same).

    Only the owner, the protection and the explicit ACEs are compared: inherited ACEs follow from the parent.
    """
    try:
        want = parse(expected)
        seen = parse(actual)
    except SddlError as exc:
        return ["its descriptor could not be read (%s)" % exc]
    problems = []
    if seen["owner"] != want["owner"]:
        problems.append(
            "owner is %s, not %s" % (describe_sid(seen["owner"] or "unknown", names), describe_sid(want["owner"]))
        )
    if want["protected"] and not seen["protected"]:
        problems.append("it inherits access from its parent folder")
    if not want["protected"] and seen["protected"]:
        problems.append("it does not take its access from chaves")
    extra = [a for a in seen["explicit"] if a not in want["explicit"]]
    missing = [a for a in want["explicit"] if a not in seen["explicit"]]
    if extra:
        problems.append("also has %s" % "; ".join(_describe_ace(a, names) for a in extra))
    if missing:
        problems.append("lacks %s" % "; ".join(_describe_ace(a, names) for a in missing))
    return problems
