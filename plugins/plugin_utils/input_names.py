# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory's variables checked against the roles' one input contract, and the password read raw.

Private to the collection: it can change at any time; do not use it from other collections.

A misspelt optional variable is silently ignored by Ansible (argument_specs cannot see unknown names, and the
shipped playbooks skip the roles' own validation to keep one task per host). The actions call ``unknown()``
with their task_vars: every ``rnds_certificate_*``, ``rnds_readiness_*`` or ``esus_pec_*`` variable the roles do
not declare (their ``meta/argument_specs.yml``) is a warning that names the host, the variable and the closest
known name, in the task itself (no task of its own). A misspelt variable that would turn a safety check off
(``GUARDED``) while the real one is empty refuses the host before it is touched, unless
``rnds_certificate_allow_unknown_variables`` is true.

The other options the role's task names in ``option_names`` are read the same way (``read_options``): the task
sets none of them, so Ansible compiles no Jinja template for them in the host's worker process (a fork: nothing
compiled outlives it); only a value that is itself a template is compiled, once, here. Thirty options were thirty
templates per host, about a fifth of the audit's controller CPU (benchmarks/README.md).

The certificate's password is read by the action from the inventory variable itself, not from a task argument
that Ansible templates before the action runs: a password with ``{{`` and no ``!unsafe`` would otherwise fail
with Jinja's own error, which quotes a fragment of the password. ``password()`` templates the raw value here
and, when that fails, says what to do without a single character of the value.
"""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

import yaml
from ansible.module_utils.parsing.convert_bool import boolean

PREFIXES = ("rnds_certificate_", "rnds_readiness_", "esus_pec_")
# The roles' own results and the shipped playbooks' variables: set by the collection, never by an inventory
SET_BY_THE_COLLECTION = frozenset(
    {"rnds_certificate_result", "rnds_readiness_report", "esus_pec_hosts", "esus_pec_become"}
)
ALLOW = "rnds_certificate_allow_unknown_variables"
# Variables whose misspelling turns a check off: the identity check (another municipality's certificate)
GUARDED = ("rnds_certificate_expected_cnpj",)
_CUTOFF = 0.75
# issue 24a: the codes of a host refused for its inventory (not audit checks: readiness_codes.py has those)
MISSPELT_CHECK = "input.misspelt_check"
PASSWORD_MISSING = "input.password_missing"
PASSWORD_TEMPLATE = "input.password_template"
PASSWORD_VAULT = "input.password_vault"
UNREADABLE_VARIABLE = "input.unreadable_variable"
_ROLES = Path(__file__).resolve().parents[2] / "roles"

_WORDS = {
    "pt-BR": {
        "unknown": "host %s: a variável %s não é do esus.pec e é ignorada",
        "hint": " (você quis dizer %s?)",
        "refused": (
            "host %s: a variável %s não é do esus.pec (você quis dizer %s?) e %s está vazia: a verificação de "
            "identidade do certificado ficaria desligada. Corrija o nome no inventário ou, de propósito, defina "
            "%s: true. Nada foi alterado no servidor."
        ),
        "missing": "host %s: %s não está definida (a senha do certificado). Nada foi alterado no servidor.",
        "vault": (
            "host %s: %s (em %s) não pôde ser decifrada com os segredos do vault dados (vault id do valor: %s). "
            "Rode com --vault-id %s@prompt ou cifre o valor de novo com ansible-vault encrypt_string. Nada foi "
            "alterado no servidor."
        ),
        "template": (
            "host %s: a senha em %s parece um modelo Jinja (tem chaves duplas ou chave e %%) e o Ansible tentou lê-la "
            "como modelo. Cifre o valor com "
            "ansible-vault encrypt_string (um valor cifrado nunca é lido como modelo) ou marque-o com !unsafe "
            "(%s: !unsafe '...'). Nada foi alterado no servidor."
        ),
        "unreadable": (
            "host %s: a variável %s (opção %s) não pôde ser lida: %s. Corrija-a no inventário. Nada foi alterado "
            "no servidor."
        ),
        "unset": (
            "host %s: a variável %s (opção %s) não está definida. Defina-a no inventário. Nada foi alterado no "
            "servidor."
        ),
    },
    "en": {
        "unknown": "host %s: variable %s is not an esus.pec variable and is ignored",
        "hint": " (did you mean %s?)",
        "refused": (
            "host %s: variable %s is not an esus.pec variable (did you mean %s?) and %s is empty: the certificate's "
            "identity check would be off. Fix the name in the inventory or, knowingly, set %s: true. Nothing was "
            "changed on the host."
        ),
        "missing": "host %s: %s is not set (the certificate's password). Nothing was changed on the host.",
        "vault": (
            "host %s: %s (at %s) cannot be decrypted with the vault secrets given (the value's vault id: %s). Run "
            "with --vault-id %s@prompt or encrypt the value again with ansible-vault encrypt_string. Nothing was "
            "changed on the host."
        ),
        "template": (
            "host %s: the password in %s looks like a Jinja template (double braces, or a brace and %%) and Ansible "
            "tried to read it as one. Encrypt "
            "the value with ansible-vault encrypt_string (an encrypted value is never templated) or mark it !unsafe "
            "(%s: !unsafe '...'). Nothing was changed on the host."
        ),
        "unreadable": (
            "host %s: variable %s (option %s) could not be read: %s. Fix it in the inventory. Nothing was changed on "
            "the host."
        ),
        "unset": (
            "host %s: variable %s (option %s) is not set. Set it in the inventory. Nothing was changed on the host."
        ),
    },
}


# An option of argument_specs.<entry point>.options: a key at the sixth column of the file, alone on its line
_OPTION_LINE = re.compile(r"^      ([A-Za-z_][A-Za-z0-9_]*):[ \t]*$", re.M)


@functools.lru_cache(maxsize=None)
def known(roles: Path = _ROLES) -> frozenset:
    """Every variable the roles declare (their meta/argument_specs.yml), and those the collection sets itself.

    Read as lines, not parsed as YAML: this runs in every host's worker process (a fork, so no cache outlives
    it), and PyYAML's parser took ~60 ms of controller CPU per host, a third of the audit's whole cost at N=200.
    tests/unit/plugins/plugin_utils/test_input_names.py holds the lines and the parsed specs equal."""
    names = set(SET_BY_THE_COLLECTION)
    for spec_file in sorted(roles.glob("*/meta/argument_specs.yml")):
        names.update(_OPTION_LINE.findall(spec_file.read_text(encoding="utf-8")))
    return frozenset(names)


def known_parsed(roles: Path = _ROLES) -> frozenset:
    """known(), by parsing the specs as YAML: what the line reading must equal."""
    names = set(SET_BY_THE_COLLECTION)
    for spec_file in sorted(roles.glob("*/meta/argument_specs.yml")):
        specs = (yaml.safe_load(spec_file.read_text(encoding="utf-8")) or {}).get("argument_specs") or {}
        for entry in specs.values():
            names.update((entry or {}).get("options") or {})
    return frozenset(names)


def words(language: object) -> dict:
    return _WORDS["en" if str(language or "").lower().startswith("en") else "pt-BR"]


def closest(name: str, names) -> str | None:
    """The known name closest to ``name``, when one is close enough to be a misspelling."""
    found = difflib.get_close_matches(name, sorted(names), n=1, cutoff=_CUTOFF)
    return found[0] if found else None


def unknown(variables, names: frozenset | None = None) -> list[tuple[str, str | None]]:
    """(variable, closest known name or None) for each variable of the collection's prefixes not declared."""
    names = known() if names is None else names
    return [
        (name, closest(name, names))
        for name in sorted(str(key) for key in variables)
        if name.startswith(PREFIXES) and name not in names
    ]


def findings(host: str, variables, allowed: bool, language: object = "pt-BR") -> tuple[list[str], str | None]:
    """(warnings, refusal) for one host's variables: one warning per unknown variable, and the refusal message
    when a misspelt guarded variable would turn its check off (None when allowed or when the real one is set)."""
    text = words(language)
    warnings, refusal = [], None
    for name, near in unknown(variables):
        warnings.append(text["unknown"] % (host, name) + (text["hint"] % near if near else "") + ".")
        if near in GUARDED and not variables.get(near) and not allowed and refusal is None:
            refusal = text["refused"] % (host, name, near, near, ALLOW)
    return warnings, refusal


def language(templar, task_vars) -> str:
    """The language of the messages: the report's (rnds_readiness_report_language), pt-BR unless it says en."""
    try:
        return str(templar.template(task_vars.get("rnds_readiness_report_language") or "pt-BR"))
    except Exception:  # a broken language variable is not a reason to refuse a host
        return "pt-BR"


def check(templar, task_vars, option_names: dict | None, password_given: bool, required: bool = False) -> dict:
    """What the actions do first: {"warnings": [...], "msg": refusal or None, "password": the raw-read password or
    None when the task gave it as an argument}."""
    host = str(task_vars.get("inventory_hostname", "?"))
    said = language(templar, task_vars)
    try:
        allowed = boolean(templar.template(task_vars.get(ALLOW, False)), strict=False)
    except Exception:  # the strict answer
        allowed = False
    warnings, refusal = findings(host, task_vars, allowed, said)
    answer = {"warnings": warnings, "msg": refusal, "password": None, "code": MISSPELT_CHECK if refusal else None}
    variable = (option_names or {}).get("password")
    if refusal is None and not password_given and variable:
        if required and variable not in task_vars:
            answer["msg"], answer["code"] = words(said)["missing"] % (host, variable), PASSWORD_MISSING
        else:
            answer["password"], answer["msg"], answer["code"] = password(
                templar, task_vars.get(variable), variable, host, said
            )
    return answer


def read_options(templar, task_vars, task_args, spec: dict) -> tuple[dict, str | None]:
    """(the task's arguments with each option it does not set read from the variable ``option_names`` names, the
    message of a variable that could not be templated or None).

    An option the task sets wins; a variable the host does not have leaves the option to its default; an empty
    string leaves an option that has no default unset (what ``| default(omit)`` and ``if ... else omit`` did in
    the task). The password is not read here: ``check`` reads it and never quotes it."""
    names = task_args.get("option_names") or {}
    arguments = dict(task_args)
    host = str(task_vars.get("inventory_hostname", "?"))
    for option, variable in names.items():
        if option == "password" or option in task_args or option not in spec:
            continue
        if variable not in task_vars:
            if spec[option].get("required"):
                return arguments, words(language(templar, task_vars))["unset"] % (host, variable, option)
            continue
        try:
            value = _plain(templar.template(task_vars[variable]))
        except Exception as exc:  # not the password: the error may say what the value holds
            why = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            return arguments, words(language(templar, task_vars))["unreadable"] % (host, variable, option, why)
        if value is None or (value == "" and spec[option].get("default") is None):
            continue
        arguments[option] = value
    return arguments, None


def validated_options(action, task_vars, spec: dict) -> tuple[dict | None, str | None]:
    """(the validated arguments, None) or (None, the message of a variable that could not be read): the action's
    ``validate_argument_spec`` over the task's arguments and the options ``read_options`` read for it."""
    arguments, problem = read_options(action._templar, task_vars, action._task.args, spec)
    if problem:
        return None, problem
    given = action._task.args
    action._task.args = arguments
    try:
        _validation, validated = action.validate_argument_spec(argument_spec=spec)
    finally:
        action._task.args = given
    return validated, None


def _plain(value):
    """A templated value as plain data: 2.17/2.18 give a vaulted value as an object that is not a str."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if type(value).__name__ == "AnsibleVaultEncryptedUnicode":
        return str(value)
    return value


def password(templar, raw, variable: str, host: str, language: object = "pt-BR") -> tuple:
    """(password, None, None) or (None, message, code): the raw inventory value templated here, so that a failure
    is told without any character of it (the templating error would quote the part after the braces). A value the
    vault secrets given cannot decrypt is told with the file and line it comes from, and its vault id."""
    if raw is None:
        return "", None, None
    try:
        value = templar.template(raw)
        return ("" if value is None else str(value)), None, None  # str(): 2.17/2.18 decrypt a vaulted value here
    except Exception as exc:  # any templating error quotes the value; none of it is shown
        if not _vault_error(exc):
            return None, words(language)["template"] % (host, variable, variable), PASSWORD_TEMPLATE
    label = vault_id(raw)
    return None, words(language)["vault"] % (host, variable, origin(raw), label, label), PASSWORD_VAULT


def _vault_error(exc: BaseException | None) -> bool:
    """Whether the vault refused (2.17/2.18: AnsibleVaultError; 2.19 and later: an UndecryptableVaultError under the
    template error), by the exceptions' classes, never by their sentences."""
    seen = 0
    while exc is not None and seen < 10:
        if "Vault" in type(exc).__name__:
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def origin(raw) -> str:
    """``file:line`` the value was read from: ansible_pos up to 2.18, the Origin tag from 2.19."""
    position = getattr(raw, "ansible_pos", None)
    if position and position[0]:
        return "%s:%s" % (position[0], position[1])
    try:
        from ansible.module_utils._internal._datatag import AnsibleTagHelper  # 2.19 and later

        for tag in AnsibleTagHelper.tags(raw):
            if getattr(tag, "path", None):
                return "%s:%s" % (tag.path, getattr(tag, "line_num", "?"))
    except ImportError:
        pass
    return "?"


def vault_id(raw) -> str:
    """The vault id in the value's header (``$ANSIBLE_VAULT;1.2;AES256;<id>``), or ``default``."""
    header = getattr(raw, "_ciphertext", b"") or b""
    header = header.decode("ascii", "replace") if isinstance(header, bytes) else str(header)
    fields = header.split("\n", 1)[0].strip().split(";")
    return fields[3] if len(fields) > 3 and fields[3] else "default"
