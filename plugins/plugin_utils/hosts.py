# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What kind of host an action plugin is talking to."""

from __future__ import annotations


def is_windows(connection) -> bool:
    """A Windows host, whatever its shell: PowerShell, or cmd over SSH (both are ansible-core's Windows shells)."""
    shell = connection._shell
    return bool(getattr(shell, "_IS_WINDOWS", False)) or getattr(shell, "SHELL_FAMILY", "") in ("powershell", "cmd")
