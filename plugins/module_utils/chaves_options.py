# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Names of esus.pec.certificate_deploy (controller) and esus.pec.chaves_certificate (host), in one place.

The argument specs of both are built in module_utils/_argspec.py, from the same builders; PEC's default roots
are in module_utils/pec_layout.py.
"""

from __future__ import annotations

STAGING_PREFIX = ".esus-pec-staging-"
"""Bytes being installed are written in chaves under this prefix first (no .pfx/.p12 suffix: PEC does not list it)."""

CHANGES = (
    "chaves.create",
    "chaves.permissions",
    "certificate_file.install",
    "certificate_file.replace",
    "certificate_file.permissions",
    "staging.remove",
    "others.remove",
)
"""What the host parts can apply, in the order they apply it: the codes of plugin_utils/chaves_plan.py's Change."""
