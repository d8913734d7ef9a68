# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Windows modules' C# module util compiles (issue 27, defect 7: reads with backup semantics).

No Windows host and no .NET Framework here: Mono's C# compiler (``mcs``, Debian ``mono-mcs``, installed by
scripts/lib.sh) compiles ``plugins/module_utils/BackupFile.cs`` as C# 5, the language Windows PowerShell 5.1's
Add-Type compiles, against Mono's class library: types, P/Invoke signatures and syntax are checked; what
Windows then does with ``FILE_FLAG_BACKUP_SEMANTICS`` is for molecule/windows. In the integration part because the
matrix's controller image (tests/unit on ansible-core 2.20/2.21) has no Mono.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.support.collection import REPO

BACKUP_CS = REPO / "plugins" / "module_utils" / "BackupFile.cs"


def mcs() -> str:
    found = shutil.which("mcs")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mcs (Debian mono-mcs, scripts/lib.sh) is missing")
        pytest.skip("mcs (Debian mono-mcs) is not installed: scripts/lib.sh installs it")
    return found


def compile_cs(source, tmp_path) -> subprocess.CompletedProcess:
    out = tmp_path / "BackupFile.dll"
    return subprocess.run(
        [mcs(), "-langversion:5", "-target:library", "-warnaserror", "-out:%s" % out, str(source)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_csharp_util_compiles_as_windows_powershell_would(tmp_path):
    run = compile_cs(BACKUP_CS, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    namespace = re.search(r"^namespace (\S+)", BACKUP_CS.read_text(), re.M).group(1)
    assert namespace == "ansible_collections.esus.pec.plugins.module_utils.BackupFile"  # what Ansible requires


def test_a_csharp_6_construct_would_be_caught(tmp_path):
    """Windows PowerShell 5.1 compiles C# 5: string interpolation (C# 6) must fail here as it would there."""
    broken = tmp_path / "Broken.cs"
    broken.write_text(BACKUP_CS.read_text().replace('String.Format("{0}: {1}", path,', '$"{path}: " + (', 1))
    assert compile_cs(broken, tmp_path).returncode != 0
