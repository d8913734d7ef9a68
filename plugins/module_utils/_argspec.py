# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The options of esus.pec's actions and modules, each specified once.

Private to the collection: it can change at any time; do not use it from other collections.

Each builder below returns a new dict of options for one concern, and has a documentation fragment of the same
name in plugins/doc_fragments/ (``linux_pec_root`` is the ``LINUX`` variable of ``pec_root``). Every action and
module that takes an option gets it from here, so what an action validates and what its host module accepts
cannot drift apart; tests/unit/plugins/test_argument_specs.py holds each builder equal to its fragment and each
plugin's documentation equal to the spec it really uses.
"""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.module_utils.chaves_options import CHANGES
from ansible_collections.esus.pec.plugins.module_utils.pec_layout import LINUX_PEC_ROOT

RNDS_AUTH_HOST = "ehr-auth.saude.gov.br"


def certificate() -> dict:
    """How a certificate is judged (fragment esus.pec.certificate)."""
    return {
        "password": {"type": "str", "default": "", "no_log": True},
        "min_days_valid": {"type": "int", "default": 30},
        "expected_cnpj": {"type": "str"},
        "java": {"type": "str", "default": ""},
    }


def pec_config() -> dict:
    """Where the PEC installer's configuration is, read for its non-secret keys (fragment esus.pec.pec_config)."""
    return {"pec_config": {"type": "path", "default": "/etc/pec.config"}}


def pec_root() -> dict:
    """The PEC folder, as an action takes it: empty means the host's platform default (fragment esus.pec.pec_root)."""
    return {"pec_root": {"type": "str"}}


def linux_pec_root() -> dict:
    """The PEC folder of a Linux host module (fragment esus.pec.pec_root.linux)."""
    return {"pec_root": {"type": "path", "default": LINUX_PEC_ROOT}}


def ownership() -> dict:
    """Owner, group and mode of chaves, set by the deploy and expected by the audit (fragment esus.pec.ownership)."""
    return {
        "owner": {"type": "str", "default": "root"},
        "group": {"type": "str", "default": "root"},
        "dir_mode": {"type": "str", "default": "0750"},
    }


def chaves() -> dict:
    """Where and how the certificate is put in chaves (fragment esus.pec.chaves)."""
    return {
        "create_pec_root": {"type": "bool", "default": False},
        "dest_name": {"type": "str", "required": True},
        "file_mode": {"type": "str", "default": "0600"},
        "backups": {"type": "int", "default": 2},
    }


def remove_others() -> dict:
    """Whether the deploy removes the other certificates from chaves (fragment esus.pec.remove_others)."""
    return {"remove_others": {"type": "bool", "default": False}}


def windows_principals() -> dict:
    """The extra principals of chaves on Windows (fragment esus.pec.windows_principals)."""
    return {
        "windows_principals": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {
                "user": {"type": "str", "required": True},
                "rights": {"type": "str", "default": "Read"},
                "allow_permission_changes": {"type": "bool", "default": False},
            },
        }
    }


def validated_bytes() -> dict:
    """What a host module checks the bytes against (fragment esus.pec.validated_bytes)."""
    return {"checksum": {"type": "str", "required": True}, "size": {"type": "int", "required": True}}


def endpoints() -> dict:
    """Hosts and ports to try from the host (fragment esus.pec.endpoints); a caller may change the default."""
    return {
        "endpoints": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {"host": {"type": "str", "required": True}, "port": {"type": "int", "default": 443}},
        }
    }


def probe() -> dict:
    """The connection timeout of the host probes (fragment esus.pec.probe)."""
    return {"timeout": {"type": "float", "default": 5}}


def option_names() -> dict:
    """How the caller names the options, for messages (fragment esus.pec.option_names)."""
    return {"option_names": {"type": "dict", "default": {}}}


def named(option: str, names: dict | None) -> str:
    """An option as a message names it: ``pec_root``, or ``pec_root (rnds_certificate_pec_root)`` when the caller
    (a role) said how it names the option."""
    caller = (names or {}).get(option)
    return "%s (%s)" % (option, caller) if caller and caller != option else option


# The specs of the plugins whose action and module share a name (the module is the action's documentation and,
# for pkcs12_validate, its host face), and of the host module an action checks its calls against.


def pkcs12_validate_spec() -> dict:
    return dict(
        certificate(),
        path={"type": "path"},
        src={"type": "path"},
        fail_on_invalid={"type": "bool", "default": True},
    )


def certificate_deploy_spec() -> dict:
    return dict(
        certificate(),
        **pec_root(),
        **ownership(),
        **chaves(),
        **remove_others(),
        **windows_principals(),
        **option_names(),
        **pec_config(),
        src={"type": "path", "required": True},
        allow_plaintext={"type": "bool", "default": False},
    )


def chaves_certificate_spec() -> dict:
    return dict(
        linux_pec_root(),
        **ownership(),
        **chaves(),
        **validated_bytes(),
        **option_names(),
        **pec_config(),
        staged={"type": "path"},
        # the apply step: what the controller decided (plugin_utils/chaves_plan.py) and what it decided on
        apply={"type": "list", "elements": "str", "choices": list(CHANGES)},
        expect={"type": "dict"},
        stale={"type": "list", "elements": "str", "default": []},
        others={"type": "list", "elements": "str", "default": []},
    )


def rnds_audit_spec() -> dict:
    spec = dict(
        certificate(),
        **pec_root(),
        **ownership(),
        **windows_principals(),
        **endpoints(),
        **option_names(),
        **pec_config(),
        check_network={"type": "bool", "default": True},
        network_timeout={"type": "float", "default": 5},
        probe_token={"type": "bool", "default": False},
        # a URL, not a secret (the word "token" in its name is what sanity's no-log-needed looks for)
        token_url={"type": "str", "default": "https://%s/api/token" % RNDS_AUTH_HOST, "no_log": False},
        token_ca_file={"type": "path"},
        token_timeout={"type": "float", "default": 10},
        persist_fact={"type": "bool", "default": True},
        fact_path={"type": "str"},
        metrics_dir={"type": "str", "default": ""},
        metrics_environment={"type": "str", "default": ""},
        record={"type": "dict", "default": {}},
        add_to_group={"type": "bool", "default": False},
        # issue 23: PEC running, the UF's EHR services host, the host's clock, CADSUS's HTTPS port
        pec_service={"type": "str", "default": "e-SUS-PEC"},
        uf={"type": "str", "default": ""},
        environment={"type": "str", "default": "production", "choices": ["production", "homologation"]},
        max_clock_skew={"type": "int", "default": 300},
        https_port={"type": "int", "default": 443},
        # issue 23, item 3: the RNDS servers against PEC's own Java trust store (Linux), off by default
        check_trust={"type": "bool", "default": False},
        jre_cacerts={"type": "str", "default": ""},
        # the inventory's certificate (issue 23): compared with the deployed one, read on the controller
        src={"type": "path"},
        allow_plaintext={"type": "bool", "default": False},
    )
    spec["endpoints"]["default"] = [{"host": RNDS_AUTH_HOST, "port": 443}]  # the audit checks the RNDS by default
    return spec


def pec_probe_spec() -> dict:
    return dict(
        linux_pec_root(),
        **endpoints(),
        **probe(),
        **pec_config(),
        read_certificate={"type": "bool", "default": False},
        service={"type": "str", "default": ""},
        https_port={"type": "int", "default": 443},
        trust_store={"type": "path", "default": ""},
        fact={"type": "dict"},
        fact_path={"type": "path", "default": "/etc/ansible/facts.d/esus_pec_rnds.fact"},
        metrics_path={"type": "path"},
        metrics_content={"type": "str"},
        timestamp_path={"type": "path"},
        timestamp_content={"type": "str"},
    )
