# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Argument specs of esus.pec.certificate_deploy (controller) and esus.pec.chaves_certificate (host), in one place.

The options of the chaves folder are documented once, in plugins/doc_fragments/chaves.py.
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.module_utils.pec_layout import LINUX_PEC_ROOT, WINDOWS_PEC_ROOT

STAGING_PREFIX = ".esus-pec-staging-"
"""Bytes being installed are written in chaves under this prefix first (no .pfx/.p12 suffix: PEC does not list it)."""

CHAVES_OPTIONS = {
    "pec_root": {"type": "path", "default": LINUX_PEC_ROOT},
    "create_pec_root": {"type": "bool", "default": False},
    "dest_name": {"type": "str", "required": True},
    "owner": {"type": "str", "default": "root"},
    "group": {"type": "str", "default": "root"},
    "dir_mode": {"type": "str", "default": "0750"},
    "file_mode": {"type": "str", "default": "0600"},
    "backups": {"type": "int", "default": 2},
    "remove_others": {"type": "bool", "default": False},
}

__all__ = ["CHAVES_OPTIONS", "DEPLOY_ARGUMENT_SPEC", "HOST_ARGUMENT_SPEC", "LINUX_PEC_ROOT", "WINDOWS_PEC_ROOT"]

DEPLOY_ARGUMENT_SPEC = dict(
    CHAVES_OPTIONS,
    pec_root={"type": "str"},  # its default depends on the host: LINUX_PEC_ROOT or WINDOWS_PEC_ROOT
    windows_principals={
        "type": "list",
        "elements": "dict",
        "default": [],
        "options": {"user": {"type": "str", "required": True}, "rights": {"type": "str", "default": "FullControl"}},
    },
    src={"type": "path", "required": True},
    password={"type": "str", "default": "", "no_log": True},
    min_days_valid={"type": "int", "default": 30},
    expected_cnpj={"type": "str"},
    allow_plaintext={"type": "bool", "default": False},
)

HOST_ARGUMENT_SPEC = dict(
    CHAVES_OPTIONS,
    checksum={"type": "str", "required": True},
    size={"type": "int", "required": True},
    staged={"type": "path"},
)
