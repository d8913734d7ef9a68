# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 23 on the Windows path: the real esus.pec.rnds_audit action with a real vaulted PKCS#12 as ``src``,
against a Windows host that cannot exist here (tests/support/windows_host.py stands for it: only the module
execution is replaced, its answers in the shape win_pec_probe.ps1 returns, which test_windows_path.py holds to
the .ps1). The comparison uses the SHA-1 the listing gives for each file (Get-EsusChavesListing)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from ansible.parsing.vault import VaultLib

from ansible_collections.esus.pec.plugins.action import rnds_audit
from tests.support.windows_host import run_action
from tests.unit.plugins.test_windows_path import PASSWORD, SERVICE, VAULT, loader, probe_answers, windows_probe


@pytest.fixture()
def vaulted(pki, tmp_path):
    """(a real PKCS#12 made now, ansible-vault encrypted with the stand-in run's vault secret; its plain bytes)."""
    key, cert = pki.leaf(key=pki.key("ec", "windows-inventory"))
    plain = pki.pfx("windows-inventory.pfx", key, cert, PASSWORD).read_bytes()
    path = tmp_path / "3550308.pfx.vault"
    path.write_bytes(VaultLib([("default", VAULT)]).encrypt(plain))
    return path, plain


def entry(name: str, sha1: str) -> dict:
    listed = windows_probe()["files"][0]
    return dict(listed, name=name, sha1=sha1)


def audit(probe: dict, src) -> tuple:
    arguments = {
        "password": PASSWORD,
        "windows_principals": [{"user": SERVICE, "rights": "Modify"}],
        "endpoints": [{"host": "ehr-auth.saude.gov.br"}],
        "src": str(src),
    }
    return run_action(rnds_audit.ActionModule, arguments, probe_answers(probe), loader=loader())


def test_the_inventory_s_file_among_two_is_ready_with_a_warning_on_windows(vaulted):
    path, plain = vaulted
    files = [entry("3550308.pfx", hashlib.sha1(plain).hexdigest()), entry("antigo.pfx", "1" * 40)]
    result, host = audit(windows_probe(files=files, certificate_b64=None), path)  # two: no bytes came
    readiness = result["rnds_readiness"]
    assert readiness["ready"] is True and readiness["verdict"] == "ok"  # judged from the controller's bytes
    assert "certificate_file.others" in readiness["codes"]
    assert next(module for module, _args in host.calls) == "esus.pec.win_pec_probe"


def test_a_deployed_file_that_is_not_the_inventory_s_says_run_the_deploy_on_windows(vaulted, pki):
    path, _plain = vaulted
    key, cert = pki.leaf(key=pki.key("ec", "windows-older"))
    older = pki.pfx("windows-older.pfx", key, cert, PASSWORD).read_bytes()
    probe = windows_probe(
        files=[entry("3550308.pfx", hashlib.sha1(older).hexdigest())],
        certificate_b64=base64.b64encode(older).decode("ascii"),
    )
    result, _host = audit(probe, path)
    readiness = result["rnds_readiness"]
    assert "inventory.differs" in readiness["codes"] and readiness["ready"] is True
    assert "deploy with the rnds_certificate role" in " ".join(readiness["reasons"])
