#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: chaves_certificate
short_description: Install certificate bytes already sent to a Linux host into PEC's chaves folder, atomically
version_added: 0.1.0
description:
  - The host part of M(esus.pec.certificate_deploy), which validates the certificate on the controller and sends
    it; use that. Called alone it installs a file already on the host (O(staged)) whose SHA-1 is O(checksum).
  - Without O(staged) it only looks and returns what would change (C(needs_content) when the bytes are needed).
  - With O(staged), C(chaves) is created or closed first, the bytes are written under a name PEC ignores
    (C(.esus-pec-staging-*)), their SHA-1 is checked, and the file is renamed over the old one (an atomic
    C(rename)). The old file is kept in C(<pec_root>/esus-pec-backups) (mode 0600, the newest O(backups) kept).
  - A failure at any step leaves the previous certificate in place. A run killed at any step leaves the
    previous certificate or, once renamed, the new one, whole; a staging file left by a killed run is removed
    by the next run.
options:
  staged:
    description:
      - Path on the host of the bytes to install (the action's temporary upload). Without it, nothing is written.
    type: path
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: posix
extends_documentation_fragment:
  - esus.pec.pec_root.linux
  - esus.pec.validated_bytes
  - esus.pec.ownership
  - esus.pec.chaves
  - esus.pec.option_names
  - ansible.builtin.action_common_attributes
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: See what a deploy would change on this host (no bytes needed)
  esus.pec.chaves_certificate:
    dest_name: 3550308.pfx
    checksum: 6d1f5b0a6a3c1ab2d62e4bc2a0c9f1d7e3b1a0f2
    size: 3208
  check_mode: true
  become: true
"""

RETURN = r"""
changes:
  description: What was changed (or, in check mode, would be).
  returned: always
  type: list
  elements: str
  sample: [create chaves, install the certificate]
needs_content:
  description: The certificate must be (re)written and O(staged) was not given.
  returned: always
  type: bool
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
others:
  description: Other .pfx/.p12 files in C(chaves) (removed with O(remove_others)).
  returned: always
  type: list
  elements: str
"""

import contextlib
import errno
import grp
import os
import pwd
import stat
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.esus.pec.plugins.module_utils._argspec import chaves_certificate_spec, named
from ansible_collections.esus.pec.plugins.module_utils.certificate_files import file_sha1, other_pkcs12
from ansible_collections.esus.pec.plugins.module_utils.chaves_options import STAGING_PREFIX

BACKUP_FOLDER = "esus-pec-backups"


def _meta(path: str) -> dict | None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return {
        "uid": info.st_uid,
        "gid": info.st_gid,
        "mode": stat.S_IMODE(info.st_mode),
        "is_dir": stat.S_ISDIR(info.st_mode),
        "is_file": stat.S_ISREG(info.st_mode),
    }


class Deployer:
    def __init__(self, module: AnsibleModule) -> None:
        params = module.params
        self.module = module
        self.root = params["pec_root"]
        self.chaves = os.path.join(self.root, "chaves")
        self.dest = os.path.join(self.chaves, params["dest_name"])
        self.backup_dir = os.path.join(self.root, BACKUP_FOLDER)
        self.checksum = params["checksum"]
        try:
            self.uid = pwd.getpwnam(params["owner"]).pw_uid
            self.gid = grp.getgrnam(params["group"]).gr_gid
        except KeyError as exc:
            module.fail_json(msg="%s: no such user or group on this host (%s)." % (self.chaves, exc))
        self.dir_mode = int(params["dir_mode"], 8)
        self.file_mode = int(params["file_mode"], 8)
        self.changes: list[str] = []

    # - looking -
    def plan(self) -> dict:
        """What must change; touches nothing."""
        params = self.module.params
        if not os.path.isdir(self.root) and not params["create_pec_root"]:
            names = params["option_names"]
            self.module.fail_json(
                msg="PEC is not installed in %s (no such folder). Set %s to the webserver folder of this PEC, or %s: "
                "true to create the tree anyway. Nothing was changed on the host."
                % (self.root, named("pec_root", names), named("create_pec_root", names)),
                changes=[],
            )
        chaves = _meta(self.chaves)
        if chaves is not None and not chaves["is_dir"]:
            self.module.fail_json(msg="%s exists and is not a folder: move it away. Nothing was changed." % self.chaves)
        dest = _meta(self.dest)
        if dest is not None and not dest["is_file"]:
            self.module.fail_json(
                msg="%s exists and is not a regular file: move it away. Nothing was changed." % self.dest
            )
        plan = {
            "chaves": chaves is None,
            "chaves_meta": chaves is not None
            and (chaves["uid"], chaves["gid"], chaves["mode"]) != (self.uid, self.gid, self.dir_mode),
            "content": dest is None or file_sha1(self.dest) != self.checksum,
            "renewal": dest is not None,
            "file_meta": dest is not None
            and (dest["uid"], dest["gid"], dest["mode"]) != (self.uid, self.gid, self.file_mode),
            "stale": self._stale(),
            "others": self._others(),
        }
        plan["file_meta"] = plan["file_meta"] and not plan["content"]
        return plan

    def _stale(self) -> list[str]:
        try:
            return sorted(os.path.join(self.chaves, n) for n in os.listdir(self.chaves) if n.startswith(STAGING_PREFIX))
        except OSError:
            return []

    def _others(self) -> list[str]:
        try:
            names = os.listdir(self.chaves)
        except OSError:
            return []
        return [os.path.join(self.chaves, n) for n in other_pkcs12(names, os.path.basename(self.dest))]

    @staticmethod
    def describe(plan: dict, remove_others: bool) -> list[str]:
        changes = []
        if plan["chaves"]:
            changes.append("create chaves")
        if plan["chaves_meta"]:
            changes.append("set the owner, group and mode of chaves")
        if plan["content"]:
            changes.append("replace the certificate (renewal)" if plan["renewal"] else "install the certificate")
        if plan["file_meta"]:
            changes.append("set the owner, group and mode of the certificate")
        if plan["stale"]:
            changes.append("remove a staging file left by an interrupted run")
        if remove_others and plan["others"]:
            changes.append("remove the other certificates")
        return changes

    # - changing -
    def close_chaves(self, plan: dict) -> None:
        """chaves exists, owned and closed, before any certificate byte is written into it."""
        if plan["chaves"]:
            os.makedirs(self.root, mode=0o755, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.mkdir(self.chaves, 0o700)
        os.chown(self.chaves, self.uid, self.gid)
        os.chmod(self.chaves, self.dir_mode)

    def install(self, staged: str, size: int) -> str | None:
        """Write, verify, swap. Returns the backup path, if any."""
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
            return path
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


def _diff(deployer: Deployer) -> dict:
    def describe(path: str) -> str:
        meta = _meta(path)
        if meta is None:
            return "%s: absent\n" % path
        line = "%s: owner %s, group %s, mode %04o" % (
            path,
            _user(meta["uid"]),
            _group(meta["gid"]),
            meta["mode"],
        )
        return line + (", sha1 %s\n" % file_sha1(path) if meta["is_file"] else "\n")

    owner = "owner %s, group %s" % (deployer.module.params["owner"], deployer.module.params["group"])
    after = "%s: %s, mode %04o\n%s: %s, mode %04o, sha1 %s\n" % (
        deployer.chaves,
        owner,
        deployer.dir_mode,
        deployer.dest,
        owner,
        deployer.file_mode,
        deployer.checksum,
    )
    return {"before": describe(deployer.chaves) + describe(deployer.dest), "after": after}


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def main() -> None:
    module = AnsibleModule(argument_spec=chaves_certificate_spec(), supports_check_mode=True)
    params = module.params
    if "/" in params["dest_name"] or params["dest_name"] in (".", ".."):
        module.fail_json(msg="dest_name must be a file name, not a path: %s" % params["dest_name"])
    deployer = Deployer(module)
    plan = deployer.plan()
    changes = deployer.describe(plan, params["remove_others"])
    result = {
        "changed": bool(changes),
        "changes": changes,
        "dest": deployer.dest,
        "checksum": params["checksum"],
        "others": plan["others"],
        "needs_content": False,
    }
    if module._diff and changes:
        result["diff"] = _diff(deployer)
    if not changes or module.check_mode:
        module.exit_json(**result)
    if plan["content"] and not params["staged"]:
        result.update(changed=False, needs_content=True)  # the action sends the bytes and calls again
        module.exit_json(**result)
    try:
        for stale in plan["stale"]:
            _remove(stale)
        deployer.close_chaves(plan)
        if plan["content"]:
            backup = deployer.install(params["staged"], params["size"])
            if backup:
                result["backup"] = backup
        elif plan["file_meta"]:
            deployer.fix_file()
        if params["remove_others"]:
            for other in plan["others"]:
                _remove(other)
    except OSError as exc:
        module.fail_json(
            msg="%s: %s (%s). The previous certificate, if any, is still in place."
            % (deployer.dest, exc.strerror or exc, getattr(exc, "filename", "") or deployer.chaves),
            changes=changes,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
