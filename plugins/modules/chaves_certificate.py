#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: chaves_certificate
short_description: Look at PEC's chaves folder on a Linux host, or apply a deploy's decided changes, atomically
version_added: 0.1.0
description:
  - The host part of M(esus.pec.certificate_deploy), which validates the certificate on the controller, looks at
    the host, decides there what must change and sends the bytes only when they are needed; use that.
  - Without O(apply) and O(staged) it only looks and returns what it saw (RV(observed)), in the shape of
    M(esus.pec.pec_probe)'s answer; the action runs this when the host's Python cannot run its direct look.
  - "With O(apply) it makes exactly those changes, after checking that C(chaves) and the certificate are still as
    O(expect) says (compare-and-swap on owner, group, mode, size and SHA-1): a host changed since it was looked at
    fails, untouched. C(chaves) is created or closed before any byte is written into it; the bytes at O(staged)
    are written under a name PEC ignores (C(.esus-pec-staging-*)), synced, their SHA-1 checked, the old file is
    kept in C(<pec_root>/esus-pec-backups) (mode 0600, the newest O(backups) kept) and the new one renamed over it
    (an atomic C(rename))."
  - Called alone with O(staged) and no O(apply), it installs those bytes (checked against O(checksum)).
  - A failure at any step leaves the previous certificate in place. A run killed at any step leaves the
    previous certificate or, once renamed, the new one, whole; a staging file left by a killed run is removed
    by the next deploy.
options:
  staged:
    description:
      - Path on the host of the bytes to install (the action's temporary upload). Without it, nothing is written.
    type: path
  apply:
    description:
      - The changes to make, as decided on the controller (codes of plugin_utils/chaves_plan.py).
    type: list
    elements: str
    choices: [chaves.create, chaves.permissions, certificate_file.install, certificate_file.replace,
              certificate_file.permissions, staging.remove, others.remove]
  expect:
    description:
      - What the controller saw and decided on, C(chaves) (owner, group, mode) and C(dest) (sha1, size, owner,
        group, mode), each null when absent. Anything else found now fails the task before any change.
    type: dict
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
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
    details: M(esus.pec.certificate_deploy) builds the diff from what was looked at.
  platform:
    platforms: posix
extends_documentation_fragment:
  - esus.pec.pec_root.linux
  - esus.pec.validated_bytes
  - esus.pec.ownership
  - esus.pec.chaves
  - esus.pec.option_names
  - esus.pec.pec_config
  - ansible.builtin.action_common_attributes
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: Look at chaves as a deploy would (nothing is changed)
  esus.pec.chaves_certificate:
    dest_name: 3550308.pfx
    checksum: 6d1f5b0a6a3c1ab2d62e4bc2a0c9f1d7e3b1a0f2
    size: 3208
  become: true
"""

RETURN = r"""
observed:
  description: What was seen (without O(apply) and O(staged)), as M(esus.pec.pec_probe) returns it, plus C(dest)
    (the kind of the deployed file's path) and C(accounts) (whether O(owner) and O(group) exist).
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
  sample: /opt/e-SUS/webserver/chaves/3550308.pfx
checksum:
  description: The O(checksum) given; the file on the host has it after a run that changed it.
  returned: always
  type: str
backup:
  description: Where the replaced certificate was kept.
  returned: when a certificate was replaced and O(backups) is not 0
  type: str
"""

import contextlib
import errno
import grp
import os
import pwd
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.esus.pec.plugins.module_utils._argspec import chaves_certificate_spec, named
from ansible_collections.esus.pec.plugins.module_utils.certificate_files import file_kind, file_sha1
from ansible_collections.esus.pec.plugins.module_utils.chaves_options import CHANGES, STAGING_PREFIX
from ansible_collections.esus.pec.plugins.module_utils.host_probe import chaves_folder, file_entry, look, path_kind

BACKUP_FOLDER = "esus-pec-backups"
BYTES_CHANGES = {"certificate_file.install", "certificate_file.replace"}
_UNTOUCHED = " Nothing was changed."


def seen_now(chaves: str, dest: str) -> dict:
    """chaves and the certificate as the controller's compare-and-swap knows them (``expect``), read again."""
    folder = chaves_folder(chaves)
    meta = ("owner", "group", "mode")
    found = file_entry(dest) if path_kind(dest) == "file" else None
    return {
        "chaves": {key: folder[key] for key in meta} if folder["exists"] else None,
        "dest": {key: found[key] for key in ("sha1", "size", *meta)} if found else None,
    }


class Applier:
    """Makes the decided changes; decides nothing."""

    def __init__(self, module: AnsibleModule) -> None:
        params = module.params
        self.module = module
        self.root = params["pec_root"]
        self.chaves = os.path.join(self.root, "chaves")
        self.dest = os.path.join(self.chaves, params["dest_name"])
        self.backup_dir = os.path.join(self.root, BACKUP_FOLDER)
        self.checksum = params["checksum"]
        names = params["option_names"]
        try:
            self.uid = pwd.getpwnam(params["owner"]).pw_uid
            self.gid = grp.getgrnam(params["group"]).gr_gid
        except KeyError as exc:
            module.fail_json(
                msg="%s: no such user or group on this host (%s): fix %s or %s.%s"
                % (self.chaves, exc, named("owner", names), named("group", names), _UNTOUCHED)
            )
        try:
            self.dir_mode = int(params["dir_mode"], 8)
            self.file_mode = int(params["file_mode"], 8)
        except ValueError:
            module.fail_json(
                msg="%s and %s must be octal, such as 0750.%s"
                % (named("dir_mode", names), named("file_mode", names), _UNTOUCHED)
            )

    def close_chaves(self, create: bool) -> None:
        """chaves exists, owned and closed, before any certificate byte is written into it."""
        if create:
            os.makedirs(self.root, mode=0o755, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.mkdir(self.chaves, 0o700)
        os.chown(self.chaves, self.uid, self.gid)
        os.chmod(self.chaves, self.dir_mode)

    def install(self, staged: str, size: int) -> str | None:
        """Stage, fsync, verify, back up (link, prune), rename, fsync the folder. Returns the backup path, if any."""
        name = os.path.join(self.chaves, STAGING_PREFIX + os.urandom(6).hex())
        descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out, open(staged, "rb") as source:
                os.fchown(out.fileno(), self.uid, self.gid)
                os.fchmod(out.fileno(), self.file_mode)
                out.write(source.read(size + 1))
                out.flush()
                os.fsync(out.fileno())
            written = file_sha1(name)
            if written != self.checksum or os.path.getsize(name) != size:
                raise OSError(
                    errno.EIO,
                    "the staged copy on the host has SHA-1 %s, not the validated %s" % (written, self.checksum),
                )
            backup = self._back_up()
            os.rename(name, self.dest)
        except BaseException:
            _remove(name)
            raise
        self._sync_folder(self.chaves)
        return backup

    def _back_up(self) -> str | None:
        backups = self.module.params["backups"]
        if backups <= 0 or not os.path.exists(self.dest):
            return None
        os.makedirs(self.backup_dir, mode=0o700, exist_ok=True)
        os.chown(self.backup_dir, self.uid, self.gid)  # owned like chaves, closed to everyone else
        os.chmod(self.backup_dir, 0o700)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        path = os.path.join(self.backup_dir, "%s.%s~" % (os.path.basename(self.dest), stamp))
        try:
            os.link(self.dest, path)  # the old file itself, kept under a second name: no copy, no window
        except FileExistsError:
            if not os.path.samefile(self.dest, path):
                return path  # another file kept this second already
            # this very file, linked by a run killed before it pruned (in the same second): finish its work
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP):
                raise
            with open(self.dest, "rb") as source, open(path, "wb") as out:
                out.write(source.read())
        os.chown(path, self.uid, self.gid)
        os.chmod(path, 0o600)
        self._prune(backups)
        return path

    def _prune(self, keep: int) -> None:
        prefix = os.path.basename(self.dest) + "."
        kept = sorted(n for n in os.listdir(self.backup_dir) if n.startswith(prefix) and n.endswith("~"))
        for old in kept[:-keep]:
            _remove(os.path.join(self.backup_dir, old))

    def fix_file(self) -> None:
        os.chown(self.dest, self.uid, self.gid)
        os.chmod(self.dest, self.file_mode)

    @staticmethod
    def _sync_folder(path: str) -> None:
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(descriptor)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _apply(module: AnsibleModule, applier: Applier, changes: list) -> dict:
    params = module.params
    result = {"changed": bool(changes), "changes": changes, "dest": applier.dest, "checksum": params["checksum"]}
    if params["expect"] is not None:  # compare-and-swap: the host must still be what the decision was made on
        now = seen_now(applier.chaves, applier.dest)
        expected = {key: params["expect"].get(key) for key in ("chaves", "dest")}
        if now != expected:
            module.fail_json(
                msg="%s changed since it was looked at (now %s, then %s): run the deploy again.%s"
                % (applier.chaves, now, expected, _UNTOUCHED),
                changes=[],
            )
    if not changes or module.check_mode:
        return result
    if BYTES_CHANGES & set(changes) and not params["staged"]:
        module.fail_json(msg="the certificate must be written but no staged bytes were given.%s" % _UNTOUCHED)
    try:
        if "staging.remove" in changes:
            for name in params["stale"]:
                if name.startswith(STAGING_PREFIX) and os.sep not in name:
                    _remove(os.path.join(applier.chaves, name))
        if {"chaves.create", "chaves.permissions"} & set(changes) or BYTES_CHANGES & set(changes):
            applier.close_chaves("chaves.create" in changes)
        if BYTES_CHANGES & set(changes):
            backup = applier.install(params["staged"], params["size"])
            if backup:
                result["backup"] = backup
        if "certificate_file.permissions" in changes:
            applier.fix_file()
        if "others.remove" in changes:
            mine = params["dest_name"].casefold()
            for name in params["others"]:
                if file_kind(name) == "pkcs12" and name.casefold() != mine and os.sep not in name:
                    _remove(os.path.join(applier.chaves, name))
    except OSError as exc:
        module.fail_json(
            msg="%s: %s (%s). The previous certificate, if any, is still in place."
            % (applier.dest, exc.strerror or exc, getattr(exc, "filename", "") or applier.chaves),
            changes=changes,
        )
    return result


def main() -> None:
    module = AnsibleModule(argument_spec=chaves_certificate_spec(), supports_check_mode=True)
    params = module.params
    if "/" in params["dest_name"] or params["dest_name"] in ("", ".", ".."):
        where = named("dest_name", params["option_names"])
        module.fail_json(msg="%s must be a file name, not a path: %s" % (where, params["dest_name"]))
    if params["apply"] is None and not params["staged"]:  # look only
        seen = look(
            {
                "pec_root": params["pec_root"],
                "pec_config": params["pec_config"],  # its non-secret keys: the Java the certificate is judged for
                "fact_path": "",
                "endpoints": [],
                "timeout": 5,
                "read_certificate": False,
                "dest_name": params["dest_name"],
                "owner": params["owner"],
                "group": params["group"],
            }
        )
        module.exit_json(changed=False, observed=seen, dest=os.path.join(seen["chaves"]["path"], params["dest_name"]))
    # Called alone with bytes: install them (chaves closed first), as asked
    changes = params["apply"] if params["apply"] is not None else ["chaves.create", "certificate_file.replace"]
    module.exit_json(**_apply(module, Applier(module), [c for c in CHANGES if c in changes]))


if __name__ == "__main__":
    main()
