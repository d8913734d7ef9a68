# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A controller installed as the README says for Windows PEC servers has what ansible's psrp and winrm
connections import (No module named 'pypsrp' was what a state team met), and the README gives that step."""

from __future__ import annotations

import importlib

import pytest

from tests.support.collection import REPO


@pytest.mark.parametrize("module", ["pypsrp.client", "pypsrp.powershell", "winrm", "winrm.protocol"])
def test_the_windows_connections_libraries_import(module):
    importlib.import_module(module)


def test_the_connection_plugins_find_them():
    from ansible.plugins.connection import psrp, winrm

    assert psrp.HAS_PYPSRP, psrp.PYPSRP_IMP_ERR
    assert winrm.HAS_WINRM, winrm.WINRM_IMPORT_ERR


def test_the_readme_and_the_windows_page_install_them():
    pinned = {
        line.split("==")[0] for line in (REPO / "requirements-windows.txt").read_text().splitlines() if "==" in line
    }
    assert pinned == {"pypsrp", "pywinrm"}
    assert "pip install -r requirements-windows.txt" in (REPO / "README.md").read_text()
    assert "pip install -r requirements-windows.txt" in (REPO / "docs" / "windows.md").read_text()
