# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one platform seam: what kind of host an action (or a play's ``become``) is talking to, and what follows.

One rule decides "is this a Windows host?" (:func:`windows_host`): the actions feed it their live connection,
the playbooks the same two inventory variables through the ``esus.pec.windows_host`` filter. What differs per
system (PEC's root, the path separator, the deploy's host module) is read from :func:`platform_of`.
"""

from __future__ import annotations

from typing import NamedTuple

from ansible_collections.esus.pec.plugins.module_utils.pec_layout import LINUX_PEC_ROOT, WINDOWS_PEC_ROOT

# ansible-core's Windows connections and shells (a Windows host over SSH has one of these shells)
WINDOWS_CONNECTIONS = ("winrm", "psrp")
WINDOWS_SHELLS = ("powershell", "cmd")


class Platform(NamedTuple):
    windows: bool
    pec_root: str  # PEC's default root there
    separator: str
    deploy_module: str  # the host part of certificate_deploy


LINUX = Platform(False, LINUX_PEC_ROOT, "/", "esus.pec.chaves_certificate")
WINDOWS = Platform(True, WINDOWS_PEC_ROOT, "\\", "esus.pec.win_chaves_certificate")


def windows_host(connection: str | None, shell: str | None = None) -> bool:
    """The rule: a Windows connection (winrm, psrp; FQCN or not), or a Windows shell whatever the connection."""
    name = str(connection or "").rsplit(".", 1)[-1]
    return name in WINDOWS_CONNECTIONS or str(shell or "") in WINDOWS_SHELLS


def platform_of(connection) -> Platform:
    """The platform of an action's live connection (its shell plugin is the one the host really gets)."""
    shell = connection._shell
    family = "powershell" if getattr(shell, "_IS_WINDOWS", False) else getattr(shell, "SHELL_FAMILY", "")
    name = getattr(connection, "_load_name", None) or getattr(connection, "transport", "")
    return WINDOWS if windows_host(name, family) else LINUX


def is_windows(connection) -> bool:
    return platform_of(connection).windows
