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


# - the options the actions read from the variables option_names names (read_options) -


def real_templar(variables: dict):
    """Ansible's own Templar over ``variables`` (trusted, as inventory values are), as the action's is."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    try:
        from ansible.template import trust_as_template  # 2.19 and later: inventory values are trusted templates
    except ImportError:  # 2.17, 2.18: every string is a template

        def trust_as_template(value):
            return value

    def trust(value):
        if isinstance(value, dict):
            return {key: trust(item) for key, item in value.items()}
        if isinstance(value, list):
            return [trust(item) for item in value]
        return trust_as_template(value) if isinstance(value, str) else value

    trusted = trust(variables)
    return Templar(loader=DataLoader(), variables=trusted), trusted


SPEC = {
    "pec_root": {"type": "path", "required": True},
    "fact_path": {"type": "str"},
    "endpoints": {"type": "list", "elements": "dict", "default": []},
    "network_timeout": {"type": "float", "default": 5},
    "owner": {"type": "str", "default": "root"},
    "option_names": {"type": "dict", "default": {}},
}
NAMES = {
    "pec_root": "rnds_certificate_pec_root",
    "fact_path": "rnds_readiness_fact_path",
    "endpoints": "rnds_readiness_endpoints",
    "network_timeout": "rnds_readiness_network_timeout",
    "owner": "rnds_certificate_owner",
    "password": "rnds_certificate_password",
}


def test_each_option_the_task_does_not_set_is_read_from_its_variable_and_templated():
    templar, variables = real_templar(
        {
            "inventory_hostname": "pec-7",
            "rnds_certificate_pec_root": "/srv/{{ inventory_hostname }}/webserver",  # a template: rendered
            "rnds_readiness_fact_path": "",  # empty, no default: left unset, as `if ... else omit` did
            "rnds_readiness_endpoints": [{"host": "{{ inventory_hostname }}.example", "port": 443}],
            "rnds_readiness_network_timeout": 2.5,
            "rnds_certificate_owner": "pecadmin",
            "rnds_certificate_password": "{{ never read here }}",
        }
    )
    task = {"option_names": NAMES, "owner": "given"}  # the task sets owner: it wins over the variable
    arguments, problem = input_names.read_options(templar, variables, task, SPEC)
    assert problem is None
    assert arguments == {
        "option_names": NAMES,
        "pec_root": "/srv/pec-7/webserver",
        "endpoints": [{"host": "pec-7.example", "port": 443}],
        "network_timeout": 2.5,
        "owner": "given",
    }


def test_an_unset_required_variable_and_a_broken_template_fail_naming_host_variable_and_option():
    templar, variables = real_templar({"inventory_hostname": "pec-7", "rnds_readiness_report_language": "en"})
    arguments, problem = input_names.read_options(templar, variables, {"option_names": NAMES}, SPEC)
    assert problem == (
        "host pec-7: variable rnds_certificate_pec_root (option pec_root) is not set. Set it in the inventory. "
        "Nothing was changed on the host."
    )
    templar, variables = real_templar(
        {"inventory_hostname": "pec-7", "rnds_certificate_pec_root": "/srv/{{ no_such_variable }}"}
    )
    arguments, problem = input_names.read_options(templar, variables, {"option_names": NAMES}, SPEC)
    assert problem.startswith("host pec-7: a variável rnds_certificate_pec_root (opção pec_root) não pôde ser lida: ")
    assert "no_such_variable" in problem and problem.endswith("Nada foi alterado no servidor.")
    # an option that is not the action's is not read (the role contract test refuses such a name)
    templar, variables = real_templar({"inventory_hostname": "pec-7", "rnds_x": "1", "rnds_certificate_pec_root": "/p"})
    arguments, problem = input_names.read_options(templar, variables, {"option_names": {"nope": "rnds_x"}}, SPEC)
    assert problem is None and "nope" not in arguments


def test_loading_the_filter_files_does_not_import_the_report():
    """Ansible loads every file of plugins/filter in every worker process when the play's become looks up
    esus.pec.windows_host; the report's modules (report_mail, report, ...) cost more than the audit's checks, so
    they are imported only when their filter runs. A fresh interpreter: this process may have them already."""
    import subprocess
    import sys

    from tests.support.collection import collections_path

    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "import importlib\n"
        "for name in ('deploy_summary', 'readiness_mail', 'readiness_summary', 'windows_host'):\n"
        "    importlib.import_module('ansible_collections.esus.pec.plugins.filter.' + name).FilterModule().filters()\n"
        "ours = 'ansible_collections.esus.pec.plugins.plugin_utils.'\n"
        "print(sorted(m.rsplit('.', 1)[-1] for m in sys.modules if m.startswith(ours)))\n"
    ) % str(collections_path())
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for heavy in ("report", "report_mail", "run_summary", "_report_html", "readiness_codes"):
        assert "'%s'" % heavy not in loaded, loaded
    assert "'hosts'" in loaded  # windows_host's own rule is loaded: the check sees what was imported


def test_a_vaulted_option_is_read_decrypted_as_plain_text(monkeypatch):
    """A per-value vaulted variable (``!vault |``) read by read_options reaches the argument spec as text: 2.19 and
    later decrypt it while templating (under the run's vault secrets context), 2.17/2.18 hand over an object that is
    not a str, which read_options turns into one."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import VaultLib, VaultSecret
    from ansible.template import Templar

    secret = VaultSecret(b"test-vault-secret")
    vaulted = VaultLib([("default", secret)]).encrypt(b"12345678000195").decode()
    document = "rnds_certificate_expected_cnpj: !vault |\n%sinventory_hostname: pec-7\n" % "".join(
        "  %s\n" % line for line in vaulted.splitlines()
    )
    loader = DataLoader()
    loader.set_vault_secrets([("default", secret)])
    variables = loader.load(document)
    try:
        from ansible.parsing.vault import VaultSecretsContext  # 2.19 and later: what ansible-playbook sets up
    except ImportError:
        VaultSecretsContext = None
    if VaultSecretsContext is not None:  # set for this test only (monkeypatch puts the empty one back)
        monkeypatch.setattr(VaultSecretsContext, "_current", None)
        VaultSecretsContext.initialize(VaultSecretsContext(secrets=[("default", secret)]))
    spec = {"expected_cnpj": {"type": "str", "default": ""}, "option_names": {"type": "dict", "default": {}}}
    task = {"option_names": {"expected_cnpj": "rnds_certificate_expected_cnpj"}}
    arguments, problem = input_names.read_options(Templar(loader=loader, variables=variables), variables, task, spec)
    assert problem is None
    assert isinstance(arguments["expected_cnpj"], str) and arguments["expected_cnpj"] == "12345678000195"
