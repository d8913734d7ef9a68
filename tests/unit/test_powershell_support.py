# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""tests/support/powershell.py against the real ansible.windows modules (3.3.0) and against broken scripts.

The option spec read out of each .ps1 is compared with ``ansible-doc -j`` (the documentation), so a reader bug
and a documentation/implementation mismatch both show up; the mismatches that are real are listed here.
"""

from __future__ import annotations

import functools

import pytest

from tests.support.argspec import argument_problems, specs
from tests.support.powershell import (
    DYNAMIC,
    ansible_windows_module,
    module_spec,
    module_spec_from_source,
    syntax_errors,
    syntax_errors_in,
)

CHECKED = ["win_copy", "win_stat", "win_acl", "win_wait_for", "win_powershell", "win_file", "win_find", "slurp"]
ALL_MODULES = sorted(path.stem for path in ansible_windows_module("win_ping").parent.glob("*.ps1"))

# win_copy's action plugin takes these itself and pops `content` before it runs win_copy.ps1 (a Legacy module,
# which would silently ignore an option it does not read); files/directories/_copy_mode/_original_basename are
# what the action sends instead.
WIN_COPY_ACTION_ONLY = {"content", "decrypt", "local_follow", "remote_src"}
WIN_COPY_PS1_ONLY = {"files", "directories", "_copy_mode", "_original_basename"}

# Real differences between a .ps1 and its documentation: (module, option, attribute) -> (.ps1, documented).
DOC_MISMATCHES = {
    # the .ps1 validates no choices for inherit (it casts "ContainerInherit, ObjectInherit" to a .NET enum)
    ("win_acl", "inherit", "choices"): (None, ["ContainerInherit", "ObjectInherit"]),
    # Legacy -default "false": a string the module converts with -type "bool"
    ("win_acl", "follow", "default"): ("false", False),
    # Get-AnsibleParam has no -elements: a Legacy list is split on "," and its items left as they are
    ("win_wait_for", "exclude_hosts", "elements"): (None, "str"),
    # -failifempty ($copy_mode -in @("explode", "process", "single")): required unless the action copies remotely
    ("win_copy", "src", "required"): (DYNAMIC % '$copy_mode -in @("explode", "process", "single")', None),
}

# ansible.windows modules the grammar rejects although PowerShell runs them -> text on an error's line.
KNOWN_GRAMMAR_GAPS = {
    # a bare word in a comma-separated command argument: -Property ReleaseDate, SMBIOSBIOSVersion
    "setup": "-Property ReleaseDate, SMBIOSBIOSVersion",
    "win_dns_client": "-Option ReadOnly, AllScope, Constant",
    # a generic type name with its arity: [System.Collections.Generic.List`1[String]]
    "win_certificate_info": "List`1[String]",
    "win_credential": "List`1[Ansible.CredentialManager.CredentialAttribute]",
    "win_find": "HashSet`1[System.String]",
    "win_http_proxy": "List`1[String]",
    "win_inet_proxy": "List`1[String]",
    "win_optional_feature": "List`1[String]",
    "win_reg_stat": "List`1[String]",
    "win_regedit": "List`1[String]",
    # generic arguments written as type literals: [Func[[Object], [UInt32]]]
    "win_dsc": "[Func[[Object], [",
    "win_service": "[Func[[Object], [UInt32]]]",
    # an upper-case numeric suffix after an operator: $size_numeric * 1GB
    "win_eventlog": "$size_numeric * 1GB",
    # a nested type name: [System.Net.WebRequestMethods+Ftp]
    "win_get_url": "[System.Net.WebRequestMethods+Ftp]",
    # a labelled break: break regLoop
    "win_package": "break regLoop",
}

# The same gaps (and two more) as minimal scripts, each with a spelling the grammar accepts.
GRAMMAR_GAP_SNIPPETS = [
    (
        "Get-CimInstance -ClassName Win32_Bios -Property Name, Manufacturer",
        "Get-CimInstance -Property 'Name', 'Manufacturer'",
    ),
    ("$a = [System.Collections.Generic.List`1[String]]@()", "$a = [System.Collections.Generic.List[String]]@()"),
    ("$f = [Func[[Object], [UInt32]]] { 1 }", "$f = [Func[Object, UInt32]] { 1 }"),
    ("$m = [System.Net.WebRequestMethods+Ftp]::GetDateTimestamp", "$t = [type]'System.Net.WebRequestMethods+Ftp'"),
    ("$x = $y * 1GB", "$x = $y * 1gb"),
    ("$x = @(1KB, 2MB)", "$x = @(1kb, 2mb)"),
    (":outer foreach ($a in $b) { break outer }", ":outer foreach ($a in $b) { break }"),
    ('switch ($x) { "a" { 1 } default { 2 } }', 'switch ($x) { "a" { 1 }; default { 2 } }'),
    ("$empty = @'\n'@\n", "$empty = ''\n"),
]


@functools.lru_cache(maxsize=None)
def spec_of(name: str) -> dict:
    return module_spec(ansible_windows_module(name))


def documented(name: str) -> dict:
    return specs(tuple("ansible.windows." + module for module in CHECKED))["ansible.windows." + name]


def public(options: dict) -> set:
    return {name for name in options if not name.startswith("_")}


# --- the spec read out of the .ps1 against ansible-doc ---------------------------------------------------


@pytest.mark.parametrize("name", [m for m in CHECKED if m != "win_copy"])
def test_ps1_options_are_the_documented_options(name):
    assert public(spec_of(name)["options"]) == set(documented(name))


def test_win_copy_ps1_does_not_take_the_action_only_options():
    ps1 = spec_of("win_copy")["options"]
    assert set(documented("win_copy")) - set(ps1) == WIN_COPY_ACTION_ONLY
    assert set(ps1) - set(documented("win_copy")) == WIN_COPY_PS1_ONLY
    problems = argument_problems("win_copy.ps1", {"dest": "C:\\x.txt", "content": "x", "src": "C:\\y"}, ps1)
    assert problems == ["win_copy.ps1 does not accept option 'content'"]


def attribute_mismatches(attribute: str) -> dict:
    found = {}
    for name in CHECKED:
        ps1, doc = spec_of(name)["options"], documented(name)
        for option in set(ps1) & set(doc):
            mine, theirs = ps1[option].get(attribute), doc[option].get(attribute)
            if attribute == "required":
                mine, theirs = mine or None, theirs or None
            if attribute == "choices":
                mine, theirs = (sorted(mine) if mine else None), (sorted(theirs) if theirs else None)
            if mine != theirs:
                found[(name, option, attribute)] = (mine, theirs)
    return found


@pytest.mark.parametrize("attribute", ["required", "choices", "aliases", "default", "type", "elements"])
def test_ps1_attributes_agree_with_the_documentation(attribute):
    expected = {key: value for key, value in DOC_MISMATCHES.items() if key[2] == attribute}
    assert attribute_mismatches(attribute) == expected


def test_supports_check_mode_and_framework_as_in_the_ps1():
    found = {name: (spec_of(name)["framework"], spec_of(name)["supports_check_mode"]) for name in CHECKED}
    assert found == {
        "win_copy": ("Legacy", True),
        "win_stat": ("Ansible.Basic", True),
        "win_acl": ("Legacy", False),  # Parse-Args $args: no -supports_check_mode, check mode skips it
        "win_wait_for": ("Legacy", True),
        "win_powershell": ("Ansible.Basic", True),
        "win_file": ("Legacy", True),
        "win_find": ("Ansible.Basic", True),
        "slurp": ("Legacy", True),
    }


def test_win_acl_spec_exactly():
    assert spec_of("win_acl") == {
        "framework": "Legacy",
        "options": {
            "path": {"type": "str", "required": True},
            "user": {"type": "str", "required": True},
            "rights": {"type": "str", "required": True},
            "type": {"type": "str", "required": True, "choices": ["allow", "deny"]},
            "state": {"type": "str", "default": "present", "choices": ["absent", "present"]},
            "inherit": {"type": "str"},
            "propagation": {"type": "str", "default": "None", "choices": ["InheritOnly", "None", "NoPropagateInherit"]},
            "follow": {"type": "bool", "default": "false"},
        },
        "supports_check_mode": False,
    }


def test_win_powershell_suboptions_and_cross_option_rules():
    spec = spec_of("win_powershell")
    sensitive = spec["options"]["sensitive_parameters"]
    assert sensitive["suboptions"]["name"] == {"type": "str", "required": True}
    assert sensitive["suboptions"]["password"] == {"type": "str", "no_log": True}
    assert sensitive["mutually_exclusive"] == [["value", "username"], ["value", "password"]]
    assert sensitive["required_one_of"] == [["username", "value"]]
    assert spec["required_one_of"] == [["path", "script"]]
    assert spec["mutually_exclusive"] == [["path", "script"]]
    assert "required_if" not in spec and "extended" not in spec
    assert spec_of("win_stat")["options"]["path"]["aliases"] == ["dest", "name"]


def test_specs_built_at_run_time_are_reported_as_extended():
    assert spec_of("win_get_url")["extended"] == [
        "[Ansible.Basic.AnsibleModule]::Create($args, $spec, @(Get-AnsibleWindowsWebRequestSpec))"
    ]
    assert "url" in spec_of("win_get_url")["options"]  # the literal part is still there
    dsc = spec_of("win_dsc")
    assert dsc["options"] == {}
    assert "$spec = Get-OptionSpec -ClassName $resource.ResourceType" in dsc["extended"]
    assert '$spec.options.resource_name = @{ type = "str"; required = $true }' in dsc["extended"]
    assert spec_of("win_service")["options"]["pre_shutdown_timeout_ms"]["type"] == DYNAMIC % "$uint32Type"


def test_every_ansible_windows_module_has_a_spec():
    assert len(ALL_MODULES) == 62
    assert [m for m in ALL_MODULES if spec_of(m)["framework"] is None] == []


# --- argument_problems fed with a .ps1 spec ------------------------------------------------------------


def test_win_acl_mistakes_are_caught_by_the_ps1_spec():
    options = spec_of("win_acl")["options"]
    good = {"path": "C:\\pec\\chaves", "user": "SYSTEM", "rights": "FullControl", "type": "allow"}
    assert argument_problems("win_acl", good, options) == []
    missing = {key: value for key, value in good.items() if key != "user"}
    assert argument_problems("win_acl", missing, options) == ["win_acl requires option 'user'"]
    assert argument_problems("win_acl", dict(good, type="alow", propagation="NoPropagate"), options) == [
        "type='alow' not in ['allow', 'deny']",
        "propagation='NoPropagate' not in ['InheritOnly', 'None', 'NoPropagateInherit']",
    ]
    assert argument_problems("win_acl", dict(good, follow="maybe"), options) == ["follow='maybe' is not a boolean"]


def test_a_misspelt_win_acl_right_is_not_in_any_spec():
    # rights has no choices in the .ps1 or the docs: the module casts it to a .NET enum at run time
    # ([System.Security.AccessControl.FileSystemRights]$rights), so "FullControll" only fails on the host.
    # If ansible.windows ever adds choices, this fails and the spec check starts catching it.
    good = {"path": "C:\\pec", "user": "SYSTEM", "rights": "FullControll", "type": "allow"}
    assert "choices" not in spec_of("win_acl")["options"]["rights"]
    assert argument_problems("win_acl", good, spec_of("win_acl")["options"]) == []


def test_aliases_case_and_types_with_a_ps1_spec():
    slurp = spec_of("slurp")["options"]
    assert argument_problems("slurp", {"path": "C:\\x"}, slurp) == []  # an alias satisfies required
    assert argument_problems("slurp", {"Src": "C:\\x"}, slurp) == [
        "slurp does not accept option 'Src'",
        "slurp requires option 'src'",
    ]
    assert argument_problems("slurp", {"Src": "C:\\x"}, slurp, ignore_case=True) == []  # as PowerShell does
    wait = spec_of("win_wait_for")["options"]
    assert argument_problems("win_wait_for", {"port": "443", "state": "STARTED"}, wait, ignore_case=True) == []
    assert argument_problems("win_wait_for", {"port": "https"}, wait) == []
    assert argument_problems("win_wait_for", {"port": "https"}, wait, strict=True) == [
        "port='https' is not of type int"
    ]


def test_strict_checks_list_elements_and_suboptions_recursively():
    options = spec_of("win_powershell")["options"]
    arguments = {
        "script": "param($Secret) $Secret",
        "arguments": ["-x", {"not": "a string"}],
        "sensitive_parameters": [{"name": "Secret", "value": "x"}, {"value": "y", "nmae": "z"}],
        "depth": 2.0,
        "parameters": ["a"],
    }
    assert argument_problems("win_powershell", arguments, options) == []  # the old, lenient checks
    assert argument_problems("win_powershell", arguments, options, strict=True) == [
        "arguments[1]={'not': 'a string'} is not of type str",
        "sensitive_parameters[1]: win_powershell does not accept option 'nmae'",
        "sensitive_parameters[1]: win_powershell requires option 'name'",
        "parameters=['a'] is not of type dict",
    ]


# --- syntax errors ------------------------------------------------------------------------------------


def test_only_the_known_grammar_gaps_fail_to_parse():
    failing = {name: syntax_errors_in(ansible_windows_module(name)) for name in ALL_MODULES}
    failing = {name: errors for name, errors in failing.items() if errors}
    assert set(failing) == set(KNOWN_GRAMMAR_GAPS)
    for name, marker in KNOWN_GRAMMAR_GAPS.items():  # the gap is where the grammar fails (not a cascade)
        lines = ansible_windows_module(name).read_text(encoding="utf-8-sig").splitlines()
        numbers = [int(error.split(": line ")[1].split(",")[0]) for error in failing[name]]
        assert any(marker in lines[number - 1] for number in numbers), (name, failing[name])


@pytest.mark.parametrize(("gap", "accepted"), GRAMMAR_GAP_SNIPPETS)
def test_grammar_gaps_and_their_accepted_spelling(gap, accepted):
    assert syntax_errors(gap) != []
    assert syntax_errors(accepted) == []


BROKEN = [
    # (script, expected line of the first error, text in its message)
    (
        "function f {\n    $a = 1\n    if ($a) {\n        $b = 2\n    }\n$c = 3\n",
        6,
        "missing '}' to close '{' at line 1",
    ),
    ("$a = 1\n$b = 2\n}\n$c = 3\n", 3, "unexpected '}'"),
    ("$a = 1\n$b = 'abc\n$c = 3\n", 2, "'abc"),
    ('$a = 1\n$b = "abc\n$c = 3\n', 2, '"abc'),
    ("$x = 1\n\nif ($x -eq ) {}\n$y = 2\n", 3, "unexpected '-eq'"),
    ("$a = 1\n$b = @'\n    text\n    '@\n$c = 2\n", 2, "@'"),  # a here-string ends only at column 1
    ("$a = 1\n<# never closed\n$b = 2\n", 2, "the '<' operator is reserved"),  # the grammar alone sees a redirection
    ("<# never closed\n$b = 2\n", 1, "unexpected '<'"),
]


@pytest.mark.parametrize(("script", "line", "what"), BROKEN)
def test_broken_scripts_give_the_right_line(script, line, what):
    errors = syntax_errors(script)
    assert errors, script
    assert errors[0].startswith("line %d, column " % line), errors
    assert what in errors[0], errors


def test_positions_are_one_based_characters_and_files_are_named(tmp_path):
    assert syntax_errors("$a = 'ção'; }") == ["line 1, column 13: unexpected '}'"]
    script = tmp_path / "broken.ps1"
    script.write_bytes(b"\xef\xbb\xbf$a = 1\r\n}\r\n")  # UTF-8 with BOM and CRLF, as Windows editors save
    assert syntax_errors_in(script) == ["broken.ps1: line 2, column 1: unexpected '}'"]
    script.write_bytes("$a = 1\r\n}\r\n".encode("utf-16"))  # Windows PowerShell's "Unicode"
    assert syntax_errors_in(script) == ["broken.ps1: line 2, column 1: unexpected '}'"]


def test_here_strings_and_comments_parse_and_are_read():
    script = """<#
.SYNOPSIS
A block comment with } { ' " and #> only at its end
#>
#Requires -Module Ansible.ModuleUtils.Legacy
$spec = @{
    options = @{
        # a line comment between entries
        script = @{ type = 'str'; default = @'
Get-Item 'C:\\x' }
"@ and '@ in the middle of a line end nothing
'@ }
        header = @{ type = 'str'; default = @"
say "hi" `t$name $($x.y) ""
"@ }  <# inline #>
        hash = @{ default = '# not a comment' }
    }
}
"""
    assert syntax_errors(script) == []
    options = module_spec_from_source(script)["options"]
    assert options["script"]["default"] == "Get-Item 'C:\\x' }\n\"@ and '@ in the middle of a line end nothing"
    assert options["header"]["default"] == 'say "hi" \t$name $($x.y) ""'  # kept, not interpolated
    assert options["hash"]["default"] == "# not a comment"
    assert syntax_errors("$a = @'\r\nwindows line ends\r\n'@\r\n") == []
    assert syntax_errors("$a = @'one line'@") != []  # as in PowerShell: text may not follow the header


# --- literal conversion ---------------------------------------------------------------------------------


def test_literals_are_converted_and_the_rest_is_dynamic():
    spec = module_spec_from_source(
        """
$spec = @{
    options = @{
        'quoted key' = @{ default = 'it''s'; aliases = 'one' }
        "dq" = @{ default = "a`tb""c" ; choices = 1, 0x10, 2kb, -3, 1.5 }
        flags = @{ type = 'list'; default = @() ; elements = 'str' }
        nulls = @{ default = $null; required = $False; no_log = $TRUE }
        dyn = @{ default = $env:TEMP; choices = [Enum]::GetNames([IO.FileAttributes]); type = { $args[0] } }
        sum = @{ default = 1 + 2 }
    }
    required_if = @(, @('flags', 'x', @('dq')))
    required_together = @(@('a', 'b'), @('c', 'd'))
    required_by = @{ dq = 'flags' }
    supports_check_mode = $true
}
$spec.options += @{ late = @{} }
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
"""
    )
    assert spec == {
        "framework": "Ansible.Basic",
        "options": {
            "quoted key": {"default": "it's", "aliases": ["one"]},
            "dq": {"default": 'a\tb"c', "choices": [1, 16, 2048, -3, 1.5]},
            "flags": {"type": "list", "default": [], "elements": "str"},
            "nulls": {"default": None, "required": False, "no_log": True},
            "dyn": {
                "default": DYNAMIC % "$env:TEMP",
                "choices": [DYNAMIC % "[Enum]::GetNames([IO.FileAttributes])"],
                "type": DYNAMIC % "{ $args[0] }",
            },
            "sum": {"default": DYNAMIC % "1 + 2"},
        },
        "required_if": [["flags", "x", ["dq"]]],
        "required_together": [["a", "b"], ["c", "d"]],
        "required_by": {"dq": "flags"},
        "supports_check_mode": True,
        "extended": ["$spec.options += @{ late = @{} }"],
    }


def test_spec_variable_comes_from_the_create_call_and_duplicates_fail():
    source = "$argSpec = @{ options = @{ a = @{} } }\n$m = [Ansible.Basic.AnsibleModule]::Create($args, $argSpec)\n"
    assert module_spec_from_source(source)["options"] == {"a": {}}
    assert module_spec_from_source("$x = 1")["framework"] is None
    with pytest.raises(ValueError, match="duplicate key 'Path'"):
        module_spec_from_source("$spec = @{ options = @{ path = @{}; Path = @{} } }")


def test_legacy_binding_positional_prefix_and_case():
    spec = module_spec_from_source(
        """
$params = Parse-Args $args $true
$a = Get-AnsibleParam $params "a" "dflt"
$b = Get-AnsibleParam -Obj $params -Name 'b' -FailIfEmpty $true -ValidateSet 'x' -Type "int"
$c = Get-AnsibleParam -obj $other -name "c"
$d = Get-AnsibleParam -obj $params -name "_ansible_check_mode" -type "bool"
$e = Get-AnsibleParam -obj $params -name "e" -fail ($a -eq "y") -alias "ee", "eee"
"""
    )
    assert spec == {
        "framework": "Legacy",
        "options": {
            "a": {"default": "dflt"},
            "b": {"type": "int", "required": True, "choices": ["x"]},
            "e": {"required": DYNAMIC % '$a -eq "y"', "aliases": ["ee", "eee"]},
        },
        "supports_check_mode": True,
    }


def test_specs_are_cached_but_callers_get_their_own_copy():
    first = spec_of("win_stat")
    again = module_spec(ansible_windows_module("win_stat"))
    again["options"].clear()
    assert module_spec(ansible_windows_module("ansible.windows.win_stat"))["options"] == first["options"] != {}
    with pytest.raises(FileNotFoundError):
        ansible_windows_module("win_no_such_module")
