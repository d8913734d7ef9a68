# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory's names against the roles' contract (plugin_utils/input_names.py); the real runs are in
tests/integration/test_inventory_mistakes.py."""

from __future__ import annotations

import re

import yaml

from ansible_collections.esus.pec.plugins.plugin_utils import input_names
from tests.support.collection import REPO


def test_the_known_names_are_the_roles_argument_specs():
    declared = set()
    for path in (REPO / "roles").glob("*/meta/argument_specs.yml"):
        declared.update(yaml.safe_load(path.read_text())["argument_specs"]["main"]["options"])
    assert input_names.known() == frozenset(declared | input_names.SET_BY_THE_COLLECTION)
    assert input_names.ALLOW in declared and set(input_names.GUARDED) <= declared


def test_what_the_collection_sets_itself_is_what_its_files_set():
    """Registered results and the playbooks' own variables: a rename there must be followed here."""
    texts = [p.read_text() for p in [*REPO.glob("roles/*/tasks/*.yml"), *REPO.glob("playbooks/*.yml")]]
    registered = {name for text in texts for name in re.findall(r"register: (\w+)", text)}
    read = {name for text in texts for name in re.findall(r"\b(esus_pec_\w+)\b(?!\.(?:prom|fact|json))", text)}
    ours = {name for name in registered | read if name.startswith(input_names.PREFIXES)}
    assert ours == set(input_names.SET_BY_THE_COLLECTION)


def test_a_misspelt_name_is_warned_with_the_closest_one_and_other_names_are_left_alone():
    variables = {
        "rnds_readiness_report_langauge": "en",
        "rnds_certificate_src": "x",
        "rnds_ready": True,  # the audit's fact, not a prefixed input
        "ansible_host": "10.0.0.1",
        "esus_pec_zzz_qqq": 1,
    }
    warnings, refusal = input_names.findings("pec-1", variables, allowed=False, language="en")
    assert warnings == [
        "host pec-1: variable esus_pec_zzz_qqq is not an esus.pec variable and is ignored.",
        "host pec-1: variable rnds_readiness_report_langauge is not an esus.pec variable and is ignored (did you "
        "mean rnds_readiness_report_language?).",
    ]
    assert refusal is None


def test_a_misspelt_check_refuses_unless_allowed_or_the_real_one_is_set():
    variables = {"rnds_certificate_expected_cnjp": "12345678000195", "rnds_certificate_expected_cnpj": ""}
    _warnings, refusal = input_names.findings("pec-1", variables, allowed=False)
    assert refusal.startswith("host pec-1: a variável rnds_certificate_expected_cnjp não é do esus.pec (você quis")
    assert input_names.findings("pec-1", variables, allowed=True)[1] is None
    variables["rnds_certificate_expected_cnpj"] = "12345678000195"
    assert input_names.findings("pec-1", variables, allowed=False)[1] is None


class _Refusing:
    def template(self, value):
        raise ValueError("'%s' is undefined" % value[4:9])  # what Jinja says: a fragment of the value


class _VaultRefusing:
    def template(self, value):
        try:
            raise KeyError("inner")
        except KeyError as inner:
            raise type("AnsibleVaultError", (Exception,), {})("Decryption failed") from inner


def test_a_password_that_cannot_be_templated_is_told_without_any_of_it():
    secret = "Ab1{{ qwzzy }}%"
    value, message, code = input_names.password(_Refusing(), secret, "rnds_certificate_password", "pec-1")
    assert (
        value is None
        and code == input_names.PASSWORD_TEMPLATE
        and "!unsafe" in message
        and "rnds_certificate_password" in message
    )
    assert "qwzzy" not in message and secret not in message and "{{" not in message


def test_a_value_the_vault_cannot_decrypt_is_told_as_such():
    class Raw(str):
        ansible_pos = ("/inv/host_vars/pec-1.yml", 7, 3)
        _ciphertext = b"$ANSIBLE_VAULT;1.2;AES256;outro\n3130"

    value, message, code = input_names.password(_VaultRefusing(), Raw("x"), "rnds_certificate_password", "pec-1", "en")
    assert value is None and code == input_names.PASSWORD_VAULT
    assert "(at /inv/host_vars/pec-1.yml:7) cannot be decrypted" in message and "vault id: outro" in message


def test_the_names_read_as_lines_are_the_parsed_specs_options():
    """known() reads the specs' option lines (PyYAML per host cost ~60 ms of CPU); a layout the line reading
    misses would make a declared variable look unknown, so the two must agree, on the real files and on a changed
    copy."""
    assert input_names.known() == input_names.known_parsed()
    assert "rnds_certificate_expected_cnpj" in input_names.known() and len(input_names.known()) > 50


def test_a_spec_layout_the_line_reading_misses_is_caught(tmp_path):
    role = tmp_path / "roles" / "some_role" / "meta"
    role.mkdir(parents=True)
    (role / "argument_specs.yml").write_text(
        "argument_specs:\n  main:\n    options:\n      rnds_readiness_a:\n        type: str\n"
        "      rnds_readiness_b: {type: str}\n"  # a flow mapping on the option's own line
    )
    roles = tmp_path / "roles"
    assert input_names.known(roles) != input_names.known_parsed(roles)
