# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The deploy's codes in words (English, as the task results said them before codes existed) and its --diff.

Text is data here, looked up by code: plugin_utils/chaves_plan.py decides and never words anything.
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.module_utils._argspec import named
from ansible_collections.esus.pec.plugins.plugin_utils.chaves_plan import Blocker, Change, octal, same_name

# What a change is called in a task's result (``changes``), as the modules said it before codes existed.
_WORDS = {
    Change.CHAVES_CREATE: "create chaves",
    Change.CHAVES_PERMISSIONS: ("set the owner, group and mode of chaves", "set the security descriptor of chaves"),
    Change.CERTIFICATE_INSTALL: "install the certificate",
    Change.CERTIFICATE_REPLACE: "replace the certificate (renewal)",
    Change.CERTIFICATE_PERMISSIONS: (
        "set the owner, group and mode of the certificate",
        "set the security descriptor of the certificate",
    ),
    Change.STAGING_REMOVE: "remove a staging file left by an interrupted run",
    Change.OTHERS_REMOVE: "remove the other certificates",
}


def describe(changes, windows: bool) -> list:
    """The words of each change, in order (a task's ``changes``)."""
    words = []
    for change in changes:
        said = _WORDS[Change(change)]
        words.append(said[1 if windows else 0] if isinstance(said, tuple) else said)
    return words


# {<option>_option} is how the message names a plugin option: the option, and the caller's name for it (a role's
# variable) when option_names gives one.
_BLOCKER_WORDS = {
    Blocker.PEC_NOT_INSTALLED: "PEC is not installed in {pec_root} (no such folder). Set {pec_root_option} to the "
    "webserver folder of this PEC, or {create_pec_root_option}: true to create the tree anyway.",
    Blocker.CHAVES_NOT_A_FOLDER: "{chaves} exists and is not a folder: move it away.",
    Blocker.CHAVES_UNREADABLE: "{chaves} cannot be listed ({error}): deploy with become (the user needs sudo on the "
    "host) or as a member of the host's Administrators group.",
    Blocker.DEST_IS_A_FOLDER: "{dest} exists and is a folder: move it away.",
    Blocker.DEST_NOT_A_FILE: "{dest} exists and is not a regular file: move it away.",
    Blocker.DEST_NAME_INVALID: "{dest_name_option} must be a file name, not a path: {dest_name}.",
    Blocker.MODE_INVALID: "{option} must be an octal mode such as 0750, not {value}.",
    Blocker.ACCOUNT_UNKNOWN: "{chaves}: no such {kind} on this host ({name}): fix {option}.",
    Blocker.PRINCIPAL_UNRESOLVED: "this host cannot resolve {names} to a SID: fix {windows_principals_option}.",
    Blocker.PRINCIPAL_BROAD: "'{name}' ({sid}) would open chaves, and the municipality's private key, to every user "
    "of the host: give access to the PEC service account only.",
}


_NAMED = ("pec_root", "create_pec_root", "dest_name", "windows_principals")


def blocker_message(blockers, chaves: str, dest: str, option_names: dict | None = None) -> str:
    """The blockers in words (paths as the host spells them; options as the caller names them)."""
    said = []
    for finding in blockers:
        values = dict(finding.values, chaves=chaves, dest=dest)
        values.update({"%s_option" % option: named(option, option_names) for option in _NAMED})
        if "option" in values:  # MODE_INVALID: dir_mode or file_mode
            values["option"] = named(values["option"], option_names)
        if finding.code == Blocker.ACCOUNT_UNKNOWN:
            values["option"] = named(values["kind"], option_names)
            values["kind"] = "user" if values["kind"] == "owner" else "group"
        if "names" in values:
            values["names"] = ", ".join("'%s'" % name for name in values["names"])
        said.append(_BLOCKER_WORDS[Blocker(finding.code)].format(**values))
    return " ".join(said)


def diff(observed: dict, desired: dict, chaves: str, dest: str) -> dict:
    """--diff of a deploy: owner, group, mode (Linux) or descriptor (Windows) and SHA-1, before and after; never
    a byte of the certificate."""
    windows = bool(desired.get("windows"))

    def permissions(seen: dict) -> str:
        if windows:
            return str(seen.get("sddl"))
        return "owner %s, group %s, mode %s" % (seen.get("owner"), seen.get("group"), seen.get("mode"))

    before = ""
    folder = observed.get("chaves") or {}
    before += "%s: %s\n" % (chaves, permissions(folder) if folder.get("exists") else "absent")
    found = [f for f in observed.get("files") or [] if same_name(f["name"], desired["dest_name"], windows)]
    before += "%s: %s\n" % (dest, "%s, sha1 %s" % (permissions(found[0]), found[0].get("sha1")) if found else "absent")
    if windows:
        wanted_folder, wanted_file = desired["sddl"], desired["file_sddl"]
    else:
        owned = "owner %s, group %s" % (desired["owner"], desired["group"])
        wanted_folder = "%s, mode %04o" % (owned, octal(desired["dir_mode"]) or 0)
        wanted_file = "%s, mode %04o" % (owned, octal(desired["file_mode"]) or 0)
    after = "%s: %s\n%s: %s, sha1 %s\n" % (chaves, wanted_folder, dest, wanted_file, desired["checksum"])
    return {"before": before, "after": after}
