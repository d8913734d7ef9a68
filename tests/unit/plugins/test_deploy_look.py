# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""When the deploy's direct look is enough (plugins/action/certificate_deploy.py ``unchanged_outcome``).

The look is host_probe's answer, made here by host_probe.look on a real folder; anything that differs from what
chaves_certificate would leave, or that the look cannot tell, must send the host to the module (None)."""

from __future__ import annotations

import getpass
import grp
import hashlib
import os

import pytest

from ansible_collections.esus.pec.plugins.action.certificate_deploy import unchanged_outcome
from ansible_collections.esus.pec.plugins.module_utils.host_probe import DEFAULTS, look

BYTES = b"0\x82 a deployed certificate"


@pytest.fixture()
def deployed(tmp_path):
    chaves = tmp_path / "webserver" / "chaves"
    chaves.mkdir(parents=True)
    chaves.chmod(0o750)
    (chaves / "3550308.pfx").write_bytes(BYTES)
    (chaves / "3550308.pfx").chmod(0o600)
    args = {
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
    return look(dict(DEFAULTS, pec_root=args["pec_root"], fact_path="", pec_config=""))


def test_a_deployed_host_needs_nothing_more(deployed):
    chaves, args = deployed
    assert unchanged_outcome(looked(args), args) == {
        "changed": False,
        "changes": [],
        "dest": str(chaves / "3550308.pfx"),
        "checksum": args["checksum"],
        "others": [],
        "needs_content": False,
    }


def test_another_certificate_is_named_and_kept_unless_removal_is_asked(deployed):
    chaves, args = deployed
    (chaves / "antigo.PFX").write_bytes(b"old")
    assert unchanged_outcome(looked(args), args)["others"] == [str(chaves / "antigo.PFX")]
    assert unchanged_outcome(looked(args), dict(args, remove_others=True)) is None


@pytest.mark.parametrize(
    "change",
    [
        "other bytes",
        "same size, other bytes",
        "file mode",
        "folder mode",
        "no file",
        "no chaves",
        "a staging file",
        "dest is a symlink",
        "another owner",
        "another group",
        "a mode this cannot read",
    ],
)
def test_anything_else_goes_to_the_module(deployed, change):
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
    elif change == "another owner":
        args = dict(args, owner="root" if getpass.getuser() != "root" else "nobody")
    elif change == "another group":
        args = dict(args, group="nogroup" if args["group"] != "nogroup" else "root")
    elif change == "a mode this cannot read":
        args = dict(args, dir_mode="rwx")
    assert unchanged_outcome(looked(args), args) is None
