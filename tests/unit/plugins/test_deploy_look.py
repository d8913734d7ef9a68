# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""When the deploy's direct look is enough: host_probe's look at a real folder, decided by chaves_plan.plan.

The look is host_probe's answer, made here by host_probe.look on a real folder; anything that differs from what
chaves_certificate would leave must be a change, and what the deploy cannot do there a blocker (the unit tests of
the rule itself, with plain dicts, are in test_chaves_plan.py)."""

from __future__ import annotations

import getpass
import grp
import hashlib
import os

import pytest

from ansible_collections.esus.pec.plugins.module_utils.host_probe import DEFAULTS, look
from ansible_collections.esus.pec.plugins.plugin_utils.chaves_plan import Plan, observation, plan

BYTES = b"0\x82 a deployed certificate"


@pytest.fixture()
def deployed(tmp_path):
    chaves = tmp_path / "webserver" / "chaves"
    chaves.mkdir(parents=True)
    chaves.chmod(0o750)
    (chaves / "3550308.pfx").write_bytes(BYTES)
    (chaves / "3550308.pfx").chmod(0o600)
    args = {
        "windows": False,
        "create_pec_root": False,
        "pec_root": str(tmp_path / "webserver"),
        "dest_name": "3550308.pfx",
        "owner": getpass.getuser(),
        "group": grp.getgrgid(os.getgid()).gr_name,
        "dir_mode": "0750",
        "file_mode": "0600",
        "remove_others": False,
        "checksum": hashlib.sha1(BYTES).hexdigest(),
        "size": len(BYTES),
    }
    return chaves, args


def looked(args: dict) -> dict:
    params = dict(DEFAULTS, pec_root=args["pec_root"], fact_path="", pec_config="")
    params.update(dest_name=args["dest_name"], owner=args["owner"], group=args["group"])
    return observation(look(params))


def decided(args: dict) -> Plan:
    return plan(looked(args), args)


def test_a_deployed_host_needs_nothing_more(deployed):
    _chaves, args = deployed
    assert decided(args) == Plan(changes=(), needs_bytes=False, blockers=())


def test_another_certificate_is_named_and_kept_unless_removal_is_asked(deployed):
    chaves, args = deployed
    (chaves / "antigo.PFX").write_bytes(b"old")
    assert decided(args) == Plan((), False, (), others=("antigo.PFX",))
    assert [c.value for c in decided(dict(args, remove_others=True)).changes] == ["others.remove"]


@pytest.mark.parametrize(
    "change, codes",
    [
        ("other bytes", ["certificate_file.replace"]),
        ("same size, other bytes", ["certificate_file.replace"]),
        ("file mode", ["certificate_file.permissions"]),
        ("folder mode", ["chaves.permissions"]),
        ("no file", ["certificate_file.install"]),
        ("no chaves", ["chaves.create", "certificate_file.install"]),
        ("a staging file", ["staging.remove"]),
        ("dest is a symlink", ["dest.not_a_file"]),
        ("dest is a folder", ["dest.is_a_folder"]),
        ("another owner", ["chaves.permissions", "certificate_file.permissions"]),
        ("another group", ["chaves.permissions", "certificate_file.permissions"]),
        ("an owner the host does not know", ["account.unknown"]),
        ("a mode this cannot read", ["mode.invalid"]),
    ],
)
def test_anything_else_is_a_change_or_a_blocker(deployed, change, codes):
    chaves, args = deployed
    dest = chaves / "3550308.pfx"
    if change == "other bytes":
        dest.write_bytes(BYTES + b"!")
    elif change == "same size, other bytes":
        dest.write_bytes(BYTES[:-1] + b"?")
    elif change == "file mode":
        dest.chmod(0o644)
    elif change == "folder mode":
        chaves.chmod(0o755)
    elif change == "no file":
        dest.unlink()
    elif change == "no chaves":
        dest.unlink()
        chaves.rmdir()
    elif change == "a staging file":
        (chaves / ".esus-pec-staging-0123456789ab").write_bytes(b"half")
    elif change == "dest is a symlink":
        dest.rename(chaves / "real.bin")
        dest.symlink_to(chaves / "real.bin")
    elif change == "dest is a folder":
        dest.unlink()
        dest.mkdir()
    elif change == "an owner the host does not know":
        args = dict(args, owner="esus-pec-no-such-user")
    elif change == "another owner":
        args = dict(args, owner="root" if getpass.getuser() != "root" else "nobody")
    elif change == "another group":
        args = dict(args, group="nogroup" if args["group"] != "nogroup" else "root")
    elif change == "a mode this cannot read":
        args = dict(args, dir_mode="rwx")
    found = decided(args)
    assert [c.value for c in found.changes] + [b.code.value for b in found.blockers] == codes
    assert found.needs_bytes is (codes[-1] in ("certificate_file.install", "certificate_file.replace"))
