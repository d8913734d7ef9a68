# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the PEC installer puts PEC, on each system: the one place these paths are written.

Standard library only and no imports: plugin_utils/direct_probe.py runs it on Linux hosts beside host_probe.py.
"""

from __future__ import annotations

LINUX_PEC_ROOT = "/opt/e-SUS/webserver"
WINDOWS_PEC_ROOT = "C:\\Program Files\\e-SUS\\webserver"
