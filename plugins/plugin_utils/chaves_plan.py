# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one rule "is ``chaves`` with its certificate as wanted?", decided once, on the controller.

Pure: plain dicts in, codes out; no Ansible object, no folder, no PowerShell. The host parts only observe
(module_utils/host_probe.py on Linux, the observe step of win_chaves_certificate.ps1 on Windows) and apply
what :func:`plan` chose; the audit reads the same rule through :func:`audit_chaves` and
:func:`audit_certificate_file`. The words of the codes are in plugin_utils/chaves_words.py.

One shape for both systems. ``observed``::

    {"pec_root": {"exists": bool},
     "chaves": {"exists", "is_dir", "readable", "error", <permissions>},
     "dest": {"kind": "absent" | "file" | "folder" | "other"},   # the deploy's own file, by lstat
     "files": [{"name", "size", "sha1", "readable", <permissions>}],   # regular files in chaves
     "accounts": {"owner": bool, "group": bool},   # Linux: do the wished owner and group exist there
     "sids": {name: SID or None},                  # Windows: the extra principals as the host resolved them
     "user": name or None}                         # who looked (the audit says who could not read)

where <permissions> is ``owner``, ``group`` and ``mode`` (``"0750"``) on Linux, ``sddl`` on Windows.
``desired``::

    {"windows": bool, "pec_root": path, "create_pec_root": bool, "dest_name": name, "checksum": SHA-1 hex,
     "size": int, "remove_others": bool,
     Linux: "owner", "group", "dir_mode", "file_mode";
     Windows: "sddl" (of chaves, SIDs filled in), "file_sddl", "principals": [names the template's SIDs stand for]}

Codes (stable; their words live in tables keyed by code):

* changes: ``chaves.create``, ``chaves.permissions``, ``certificate_file.install``,
  ``certificate_file.replace``, ``certificate_file.permissions``, ``staging.remove``, ``others.remove``;
* blockers (nothing is changed): ``pec.not_installed``, ``chaves.not_a_folder``, ``chaves.unreadable``,
  ``dest.is_a_folder``, ``dest.not_a_file``, ``dest_name.invalid``, ``mode.invalid``, ``account.unknown``,
  ``principal.unresolved``, ``principal.broad``;
* audit: the codes of the readiness checks ``chaves`` and ``certificate_file`` (plugin_utils/readiness_codes.py
  gives each its status, problem group and words; docs/codes.md lists them).
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from ansible_collections.esus.pec.plugins.module_utils.certificate_files import file_kind, other_pkcs12
from ansible_collections.esus.pec.plugins.module_utils.chaves_options import STAGING_PREFIX
from ansible_collections.esus.pec.plugins.plugin_utils.windows_acl import BROAD_SIDS, differences, fill

_UNKNOWN_SID = "S-1-0-0"  # the Null SID: a principal the host did not resolve matches no ACE (and plan blocks)


class Change(str, Enum):
    CHAVES_CREATE = "chaves.create"
    CHAVES_PERMISSIONS = "chaves.permissions"
    CERTIFICATE_INSTALL = "certificate_file.install"
    CERTIFICATE_REPLACE = "certificate_file.replace"
    CERTIFICATE_PERMISSIONS = "certificate_file.permissions"
    STAGING_REMOVE = "staging.remove"
    OTHERS_REMOVE = "others.remove"


class Blocker(str, Enum):
    PEC_NOT_INSTALLED = "pec.not_installed"
    CHAVES_NOT_A_FOLDER = "chaves.not_a_folder"
    CHAVES_UNREADABLE = "chaves.unreadable"
    DEST_IS_A_FOLDER = "dest.is_a_folder"
    DEST_NOT_A_FILE = "dest.not_a_file"
    DEST_NAME_INVALID = "dest_name.invalid"
    MODE_INVALID = "mode.invalid"
    ACCOUNT_UNKNOWN = "account.unknown"
    PRINCIPAL_UNRESOLVED = "principal.unresolved"
    PRINCIPAL_BROAD = "principal.broad"


class Finding(NamedTuple):
    """A code and the values its sentence needs."""

    code: str
    values: dict


class Plan(NamedTuple):
    changes: tuple  # of Change, in the order they are applied
    needs_bytes: bool  # the certificate must be (re)written: only then do its bytes travel
    blockers: tuple  # of Finding; when any, changes is empty and nothing may be touched
    stale: tuple = ()  # names of staging files an interrupted run left in chaves
    others: tuple = ()  # names of the other .pfx/.p12 in chaves


BYTES_CHANGES = (Change.CERTIFICATE_INSTALL, Change.CERTIFICATE_REPLACE)


def octal(text) -> int | None:
    try:
        return int(str(text), 8)
    except (TypeError, ValueError):
        return None


def permission_problems(seen: dict, desired: dict, folder: bool, sids: dict | None = None) -> list:
    """How the permissions of chaves (``folder``) or of a certificate file differ from the wish; [] when they
    are right. Linux: owner, group and mode; Windows: owner, protection and explicit ACEs of the descriptor
    (``sids``: the principals as the host resolved them, to name them)."""
    if desired.get("windows"):
        wanted = desired["sddl"] if folder else desired["file_sddl"]
        if not seen.get("sddl"):
            return ["its security descriptor was not read"]
        return differences(wanted, seen["sddl"], names_by_sid(desired, sids))
    wanted_mode = octal(desired["dir_mode" if folder else "file_mode"])
    problems = []
    for key in ("owner", "group"):
        if seen.get(key) != desired[key]:
            problems.append("%s is %s, not %s" % (key, seen.get(key), desired[key]))
    if wanted_mode is None or octal(seen.get("mode")) != wanted_mode:
        problems.append("mode is %s, not %s" % (seen.get("mode"), desired["dir_mode" if folder else "file_mode"]))
    return problems


def names_by_sid(desired: dict, sids: dict | None) -> dict:
    """{SID: the name it was given as}, to say which principal an ACE is."""
    sids = sids or {}
    return {sids[name]: name for name in desired.get("principals") or [] if sids.get(name)}


def same_name(name: str, wanted: str, windows: bool) -> bool:
    return name.casefold() == wanted.casefold() if windows else name == wanted


def _input_blockers(desired: dict) -> list:
    found = []
    name = desired["dest_name"]
    if not name or name in (".", "..") or "/" in name or (desired.get("windows") and "\\" in name) or "\0" in name:
        found.append(Finding(Blocker.DEST_NAME_INVALID, {"dest_name": name}))
    if not desired.get("windows"):
        for option in ("dir_mode", "file_mode"):
            value = octal(desired[option])
            if value is None or not 0 <= value <= 0o7777:
                found.append(Finding(Blocker.MODE_INVALID, {"option": option, "value": desired[option]}))
    return found


def _host_blockers(observed: dict, desired: dict) -> list:
    found = []
    if not (observed.get("pec_root") or {}).get("exists") and not desired.get("create_pec_root"):
        found.append(Finding(Blocker.PEC_NOT_INSTALLED, {"pec_root": desired["pec_root"]}))
    chaves = observed.get("chaves") or {}
    if chaves.get("exists") and not chaves.get("is_dir"):
        found.append(Finding(Blocker.CHAVES_NOT_A_FOLDER, {}))
    elif chaves.get("exists") and chaves.get("readable") is False:
        found.append(Finding(Blocker.CHAVES_UNREADABLE, {"error": chaves.get("error")}))
    kind = (observed.get("dest") or {}).get("kind", "absent")
    if kind == "folder":
        found.append(Finding(Blocker.DEST_IS_A_FOLDER, {}))
    elif kind not in ("absent", "file"):
        found.append(Finding(Blocker.DEST_NOT_A_FILE, {"kind": kind}))
    if desired.get("windows"):
        sids = observed.get("sids") or {}
        unresolved = [name for name in desired.get("principals") or [] if not sids.get(name)]
        if unresolved:
            found.append(Finding(Blocker.PRINCIPAL_UNRESOLVED, {"names": unresolved}))
        for name in desired.get("principals") or []:
            if sids.get(name) in BROAD_SIDS:  # whatever the language of the host's group names
                found.append(Finding(Blocker.PRINCIPAL_BROAD, {"name": name, "sid": sids[name]}))
    else:
        accounts = observed.get("accounts") or {}
        for role in ("owner", "group"):
            if accounts.get(role) is False:
                found.append(Finding(Blocker.ACCOUNT_UNKNOWN, {"kind": role, "name": desired[role]}))
    return found


def plan(observed: dict, desired: dict) -> Plan:
    """What must change on the host for ``chaves`` and its certificate to be as ``desired``; touches nothing."""
    blockers = _input_blockers(desired) + _host_blockers(observed, desired)
    if blockers:
        return Plan((), False, tuple(blockers))
    windows = bool(desired.get("windows"))
    chaves = observed.get("chaves") or {}
    files = (observed.get("files") or []) if chaves.get("exists") else []
    sids = observed.get("sids")
    changes = []
    if not chaves.get("exists"):
        changes.append(Change.CHAVES_CREATE)  # made closed: no separate permission change
    elif permission_problems(chaves, desired, True, sids):
        changes.append(Change.CHAVES_PERMISSIONS)
    dest = [f for f in files if same_name(f["name"], desired["dest_name"], windows)]
    if not dest:
        changes.append(Change.CERTIFICATE_INSTALL)
    elif (dest[0].get("sha1"), dest[0].get("size")) != (desired["checksum"].lower(), desired["size"]):
        changes.append(Change.CERTIFICATE_REPLACE)  # also when it could not be read: it is rewritten
    elif permission_problems(dest[0], desired, False, sids):
        changes.append(Change.CERTIFICATE_PERMISSIONS)
    stale = tuple(sorted(f["name"] for f in files if f["name"].startswith(STAGING_PREFIX)))
    if stale:
        changes.append(Change.STAGING_REMOVE)
    others = tuple(other_pkcs12([f["name"] for f in files], desired["dest_name"]))
    if others and desired.get("remove_others"):
        changes.append(Change.OTHERS_REMOVE)
    return Plan(tuple(changes), any(c in BYTES_CHANGES for c in changes), (), stale, others)


def expectation(observed: dict, desired: dict) -> dict:
    """What the apply step must still find on the host before it changes anything (compare-and-swap): the
    permissions of chaves and the content and permissions of the certificate, as they were observed (None:
    absent)."""
    windows = bool(desired.get("windows"))
    keys = ("sddl",) if windows else ("owner", "group", "mode")
    chaves = observed.get("chaves") or {}
    found = None
    if chaves.get("exists"):
        found = next(
            (f for f in observed.get("files") or [] if same_name(f["name"], desired["dest_name"], windows)), None
        )
    return {
        "chaves": {key: chaves.get(key) for key in keys} if chaves.get("exists") else None,
        "dest": {key: found.get(key) for key in ("sha1", "size", *keys)} if found else None,
    }


# - the audit's checks, from the same rule: one code each (plugin_utils/readiness_codes.py) and its values -


def audit_chaves(observed: dict, desired: dict) -> Finding:
    """The audit's ``chaves`` check. ``desired`` needs no certificate here: Linux ``owner``, ``group``,
    ``dir_mode``; Windows ``sddl`` (SIDs filled in), ``file_sddl``, ``principals``. The descriptor problems name
    ``chaves`` by its ``path`` in ``observed``."""
    chaves = observed.get("chaves") or {}
    if not chaves.get("exists"):
        return Finding("chaves.missing", {})
    if chaves.get("readable") is False and chaves.get("is_dir") is False:
        return Finding("chaves.unreadable", {"error": chaves.get("error") or "access denied"})
    if not chaves.get("is_dir"):
        return Finding("chaves.not_a_folder", {})
    if desired.get("windows"):
        return _audit_descriptors(observed, desired)
    if chaves.get("owner") is None:
        return Finding("chaves.owner_not_read", {})
    seen = "%s:%s %s" % (chaves.get("owner"), chaves.get("group"), chaves.get("mode"))
    if permission_problems(chaves, desired, True):
        wanted = "%s:%s %s" % (desired["owner"], desired["group"], desired["dir_mode"])
        return Finding("chaves.permissions", {"seen": seen, "wanted": wanted})
    return Finding("chaves.ok", {"seen": seen})


def _audit_descriptors(observed: dict, desired: dict) -> Finding:
    """Windows: chaves against its one descriptor, each certificate file against ``file_sddl``, and the
    principals the host could not resolve, in one finding."""
    chaves = observed["chaves"]
    if chaves.get("sddl") is None:
        return Finding("chaves.descriptor_not_read", {"error": chaves.get("error")})
    sids = observed.get("sids")
    where = chaves.get("path") or "chaves"
    problems = ["%s: %s" % (where, p) for p in permission_problems(chaves, desired, True, sids)]
    for entry in observed.get("files") or []:
        if file_kind(entry["name"]) == "pkcs12" and entry.get("sddl"):
            problems += ["%s: %s" % (entry["name"], p) for p in permission_problems(entry, desired, False, sids)]
    unresolved = [name for name in desired.get("principals") or [] if not (sids or {}).get(name)]
    if unresolved:
        problems.append("this host cannot resolve %s to a SID" % ", ".join(unresolved))
    if problems:
        return Finding("chaves.descriptor", {"problems": "; ".join(problems)})
    return Finding("chaves.descriptor_ok", {})


def audit_certificate_file(observed: dict, wanted_sha1: str | None = None) -> tuple:
    """(the audit's ``certificate_file`` finding, the one PKCS#12 file entry or None). ``observed["user"]``,
    when known, is who looked (to say who could not read). ``wanted_sha1``, the SHA-1 of the inventory's
    certificate: when chaves holds several and that one is among them, it is the one, and the others are a
    warning (PEC lists them all; the deploy only warns of them too)."""
    chaves = observed.get("chaves") or {}
    user = observed.get("user")
    if not chaves.get("exists"):
        return Finding("certificate_file.no_chaves", {}), None
    if chaves.get("readable") is False:
        return Finding(
            "certificate_file.unlistable", {"user": user, "error": chaves.get("error") or "permission denied"}
        ), None
    files = observed.get("files") or []
    pkcs12 = [f for f in files if file_kind(f["name"]) == "pkcs12"]
    bare = [f["name"] for f in files if file_kind(f["name"]) == "certificate"]
    if not pkcs12:
        if bare:
            return Finding("certificate_file.certificate_only", {"names": ", ".join(bare)}), None
        return Finding("certificate_file.missing", {}), None
    unreadable = [f["name"] for f in pkcs12 if f.get("readable") is False]
    if unreadable:
        return Finding("certificate_file.unreadable", {"names": ", ".join(unreadable), "user": user}), None
    wanted = [f for f in pkcs12 if wanted_sha1 and f.get("sha1") == wanted_sha1]
    if len(pkcs12) > 1 and wanted:
        others = ", ".join(sorted(f["name"] for f in pkcs12 if f is not wanted[0]))
        return Finding("certificate_file.others", {"name": wanted[0]["name"], "others": others}), wanted[0]
    if len(pkcs12) > 1:
        names = ", ".join(sorted(f["name"] for f in pkcs12))
        return Finding("certificate_file.several", {"count": len(pkcs12), "names": names}), None
    if bare:
        return Finding("certificate_file.stray", {"name": pkcs12[0]["name"], "names": ", ".join(bare)}), pkcs12[0]
    return Finding("certificate_file.ok", {"name": pkcs12[0]["name"]}), pkcs12[0]


def with_sids(desired: dict, observed: dict) -> dict:
    """Windows: ``desired`` with ``sddl``, the descriptor of chaves (``template``) with the SIDs the host resolved
    the principals to, for the deploy and the audit alike."""
    if not desired.get("windows"):
        return desired
    sids = observed.get("sids") or {}
    return dict(
        desired, sddl=fill(desired["template"], [sids.get(name) or _UNKNOWN_SID for name in desired["principals"]])
    )


# - from a host's look to the one shape, and back to words -


def observation(probe: dict) -> dict:
    """The one shape of ``observed`` from any look at a host: host_probe.look (Linux, direct or as a module), the
    observe step of win_chaves_certificate and win_pec_probe's answer (Windows)."""
    return {
        "pec_root": {"exists": bool((probe.get("pec") or {}).get("installed"))},
        "chaves": probe.get("chaves") or {},
        "dest": probe.get("dest") or {"kind": "absent"},
        "files": probe.get("files") or [],
        "accounts": probe.get("accounts") or {},
        "sids": probe.get("sids") or {},
        "user": probe.get("user"),
    }
