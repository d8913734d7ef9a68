# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the Windows modules would really do, as far as it shows without a host (issue 27).

No Windows host and no PowerShell exist here (tests/unit/plugins/test_windows_path.py says why). These tests
read the ``.ps1``/``.psm1`` with the real grammar (tree-sitter-powershell, tests/support/powershell_flow.py) for
PowerShell's semantics the harness did not check: output unrolling, collections assigned bare, the type of each
result key, the descriptor of every folder the modules create, and the failure paths of the swap. The C# module
util is compiled in tests/integration/test_windows_csharp.py (it needs Mono's ``mcs``, which the matrix's
controller image does not have).
"""

from __future__ import annotations

import re

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils import windows_acl
from tests.support.argspec import specs
from tests.support.collection import REPO
from tests.support.powershell import module_spec
from tests.support.powershell_flow import array_functions, bare_collections, result_types, unrolled_calls
from tests.unit.plugins import test_windows_path as harness

MODULES = REPO / "plugins" / "modules"
DEPLOY = MODULES / "win_chaves_certificate.ps1"
PROBE = MODULES / "win_pec_probe.ps1"
PSM1 = REPO / "plugins" / "module_utils" / "FileSecurity.psm1"
BACKUP_CS = REPO / "plugins" / "module_utils" / "BackupFile.cs"
OURS = [DEPLOY, PROBE, PSM1]
SERVICE_SID = harness.SERVICE_SID


def sources() -> dict:
    return {path.name: path.read_text() for path in OURS}


def our_array_functions() -> set:
    return array_functions(*sources().values())


# - defect 1 and its kind: unrolling -

# The shape of win_chaves_certificate.ps1 before the restructuring (1e779a2): Get-Other returned @(...) and its
# caller took it bare, so one other .pfx came back as a string and the warning listed its letters.
OLD_OTHERS = """
Function Get-Other {
    if (-not [System.IO.Directory]::Exists($chaves)) { return @() }
    $found = foreach ($file in [System.IO.Directory]::GetFiles($chaves)) {
        $leaf = [System.IO.Path]::GetFileName($file)
        if ([System.IO.Path]::GetExtension($leaf) -in @('.pfx', '.p12')) { $file }
    }
    return @($found | Sort-Object)
}
$plan = @{ others = @() }
$plan.others = Get-Other
$module.Result.others = $plan.others
"""


def test_the_array_valued_functions_are_found():
    assert our_array_functions() == {"get-esuschaveslisting"}  # it writes one entry per file from a loop
    assert array_functions(OLD_OTHERS) == {"get-other"}  # return @(...)


def test_no_array_valued_function_is_called_bare():
    arrays = our_array_functions()
    assert {name: unrolled_calls(text, arrays) for name, text in sources().items()} == {name: [] for name in sources()}


def test_the_others_defect_would_be_caught():
    arrays = array_functions(OLD_OTHERS)
    assert unrolled_calls(OLD_OTHERS, arrays) == ["line 11: $plan.others = Get-Other"]
    assert bare_collections(OLD_OTHERS, arrays) == ["line 11: $plan.others = Get-Other"]


@pytest.mark.parametrize("path", [DEPLOY, PROBE], ids=lambda p: p.name)
def test_an_unwrapped_listing_would_be_caught(path):
    call = "Get-EsusChavesListing -Folder $folder -Path $chaves"
    text = path.read_text().replace("@(%s)" % call, call)
    found = unrolled_calls(text, our_array_functions())
    assert len(found) == 1 and "$files = Get-EsusChavesListing" in found[0]


def test_no_collection_is_assigned_bare():
    arrays = our_array_functions()
    assert {name: bare_collections(text, arrays) for name, text in sources().items()} == {
        name: [] for name in sources()
    }


@pytest.mark.parametrize(
    "snippet",
    [
        "$found = Get-ChildItem -LiteralPath $chaves\n$module.Result.found = $found",
        "$module.Result.files = $list | Where-Object { $_.size -gt 0 }",
        "$names = foreach ($x in $list) { $x.name }\nif ($names.Count -gt 1) { }",
    ],
)
def test_a_collection_assigned_bare_would_be_caught(snippet):
    assert len(bare_collections(snippet)) == 1


# - the result keys: their type, and the harness's fakes -


def documented_returns(path) -> dict:
    import yaml

    text = path.with_suffix(".py").read_text()
    return yaml.safe_load(re.search(r'RETURN = r"""(.*?)"""', text, re.S).group(1))


PYTHON_TYPE = {"dict": dict, "list": list, "str": str, "int": int, "float": float, "bool": bool}


@pytest.mark.parametrize("path", [DEPLOY, PROBE], ids=lambda p: p.name)
def test_every_result_key_has_the_type_its_documentation_says(path):
    documented = documented_returns(path)
    inferred = result_types(path.read_text())
    unknown = set(documented) - set(inferred)
    assert unknown <= {"user"}, "keys whose type the .ps1 does not show: %s" % unknown  # user: .Name of .NET
    wrong = {
        key: (sorted(types), documented[key]["type"])
        for key, types in inferred.items()
        if key in documented and types - {"null", documented[key]["type"]}
    }
    assert wrong == {}
    assert set(inferred) - set(documented) <= {"changed"}


def _types(value) -> set:
    return {name for name, kind in PYTHON_TYPE.items() if isinstance(value, kind) and not isinstance(value, bool)} | (
        {"bool"} if isinstance(value, bool) else set()
    ) or {"null"}


def test_the_harness_fakes_have_the_types_the_ps1_assigns():
    """The fake probe and observe answers (test_windows_path) are built from the .ps1's own assignments: each key
    holds a value of a type the .ps1 can give it."""
    probe = result_types(PROBE.read_text())
    fake = harness.windows_probe()
    assert {k: _types(v) for k, v in fake.items() if k in probe and not _types(v) <= probe[k] | {"null"}} == {}
    deploy = result_types(DEPLOY.read_text())
    observed = harness.deploy_observation(b"x")
    assert {k: _types(v) for k, v in observed.items() if k in deploy and not _types(v) <= deploy[k]} == {}


def _sddl_strings(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "sddl" and isinstance(inner, str):
                yield inner
            else:
                yield from _sddl_strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _sddl_strings(inner)


def test_the_fakes_carry_only_the_descriptor_parts_the_host_reads():
    """Defect 10: the host reads owner and DACL (BackupFile.cs asks for OWNER and DACL_SECURITY_INFORMATION), so a
    real answer never has a G: (group) or S: (SACL) part; the fakes had O:BAG:SYD:..."""
    code = BACKUP_CS.read_text()
    assert "UInt32 information = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;" in code
    fakes = [harness.windows_probe(), harness.deploy_observation(b"x"), harness.CLOSED_SEEN, harness.FILE_SEEN]
    found = [s for fake in fakes for s in ([fake] if isinstance(fake, str) else _sddl_strings(fake))]
    assert len(found) >= 5
    assert [s for s in found if not re.fullmatch(r"O:[^:]+D:[A-Z]*(\([^()]*\))*", s)] == []


# - defect 2 and its kind: every folder the modules create, and its descriptor -

# The one folder made without a descriptor of its own: PEC's folder (create_pec_root), which takes its parent's
# ACEs as PEC's installer would; chaves inside it gets the protected one before any byte arrives.
INHERITING_FOLDERS = {"[System.IO.Directory]::CreateDirectory($root)"}


def created_folders() -> list:
    found = []
    for path in OURS:
        for match in re.finditer(r"\[System\.IO\.Directory\]::CreateDirectory\((.*)\)\s*$", path.read_text(), re.M):
            found.append((path.name, re.sub(r"^\[void\]", "", match.group(0).strip()), match.group(1)))
    return found


def folder_sddl(argument: str) -> str | None:
    """The SDDL a CreateDirectory argument list gives the new folder (None: it inherits its parent's)."""
    sddl = re.search(r"New-EsusSecurity -Sddl (\$[\w:]+) -Directory", argument)
    if sddl is None:
        return None
    if sddl.group(1) == "$sddl":  # the controller's descriptor for chaves, filled with the SIDs the host resolved
        template, _names = windows_acl.chaves_template([{"user": "NT SERVICE\\e-SUS-PEC", "rights": "Read"}])
        return windows_acl.fill(template, [SERVICE_SID])
    literal = re.search(r"\$%s = '([^']+)'" % re.escape(sddl.group(1).lstrip("$")), PSM1.read_text())
    return literal.group(1) if literal else "unknown: %s" % sddl.group(1)


def protected_problems(sddl: str) -> list:
    """A folder only SYSTEM, Administrators and named non-broad principals can use, untouched by its parent."""
    parsed = windows_acl.parse(sddl)
    problems = []
    if parsed["owner"] not in (windows_acl.SYSTEM, windows_acl.ADMINISTRATORS):
        problems.append("owner %s" % parsed["owner"])
    if not parsed["protected"]:
        problems.append("inherits its parent's ACEs")
    for kind, _flags, _mask, sid in parsed["explicit"] + parsed["inherited"]:
        builtin_group = sid.startswith("S-1-5-32-") and sid != windows_acl.ADMINISTRATORS
        if sid in windows_acl.BROAD_SIDS or sid == "S-1-3-0" or (kind == "allow" and builtin_group):
            problems.append("%s for %s" % (kind, sid))
    return problems


def test_every_folder_the_modules_create_is_protected():
    folders = created_folders()
    assert len(folders) >= 4  # chaves, the backup folder, the fact's folder (and each missing one above it), PEC's
    problems = {}
    for name, call, argument in folders:
        sddl = folder_sddl(argument)
        if sddl is None:
            if call not in INHERITING_FOLDERS:
                problems[(name, call)] = "created without a descriptor: it takes its parent's ACEs"
        elif protected_problems(sddl):
            problems[(name, call)] = protected_problems(sddl)
    assert problems == {}


def test_the_rule_refuses_what_programdata_gives():
    """The fact's folder used to take C:\\ProgramData's ACEs (Users may create files, CREATOR OWNER full control)."""
    programdata = "O:SYD:(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)(A;CI;0x100116;;;BU)(A;OICIIO;FA;;;CO)"
    assert len(protected_problems(programdata)) == 4
    old_probe = "[void][System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($factPath))"
    assert folder_sddl(re.search(r"CreateDirectory\((.*)\)$", old_probe).group(1)) is None


def test_the_fact_is_written_only_into_a_private_folder_under_an_unguessable_name():
    source = PROBE.read_text()
    guard = source.index("if (-not $module.CheckMode) {")
    private = source.index("Initialize-EsusPrivateFolder -Path $factFolder", guard)
    temp = source.index("$temp = ", guard)
    assert private < temp < source.index("$stream.Write(", guard)
    assert "[System.Guid]::NewGuid()" in source[temp : source.index("\n", temp)]
    assert "[System.IO.FileMode]::CreateNew" in source[temp:]
    assert '"$factPath.esus-pec-tmp"' not in source
    helper = PSM1.read_text()
    body = helper[helper.index("Function Initialize-EsusPrivateFolder") :]
    body = body[: body.index("\n}\n")]
    # the folder, the one above it and every entry in it must be owned by SYSTEM, Administrators or the runner
    assert "GetDirectoryName($Path), $Path" in body and "GetFileSystemEntries($Path)" in body
    assert body.count("-notin $trusted") == 2 and body.count("throw ") == 2
    assert body.index("throw ") < body.index("Set-EsusSddl")  # refused before anything is changed


# - defect 3: the swap's failure paths say what is on disk -


def test_a_swap_that_stops_halfway_is_finished_or_undone():
    source = DEPLOY.read_text()
    swap = source.index("[System.IO.File]::Replace($staged, $dest, $backup, $true)")
    # ReplaceFile always gets a backup name, so after ERROR_UNABLE_TO_MOVE_REPLACEMENT_2 the old file is findable
    assert "$backup = $staged + '.old'" in source[:swap]
    handler = source[swap : source.index('$onDisk = ("The new certificate is in place', swap)]
    assert "if ([System.IO.File]::Exists($dest) -or -not [System.IO.File]::Exists($backup)) { throw }" in handler
    finish = handler.index("[System.IO.File]::Move($staged, $dest)")
    restore = handler.index("[System.IO.File]::Move($backup, $dest)")
    assert finish < restore
    assert "$keepStaged = $true" in handler[restore:]  # neither worked: the new certificate's copy is kept


def test_each_failure_says_what_is_really_on_disk():
    """The old catch said "The previous certificate, if any, is still in place." after the swap too."""
    source = DEPLOY.read_text()
    fail = source.index("$module.FailJson(", source.rindex("catch {"))
    assert "$onDisk" in source[fail : source.index("\n", fail)]
    assert "still in place" not in source[fail:]
    swap = source.index("[System.IO.File]::Replace($staged, $dest, $backup, $true)")
    move = source.index("[System.IO.File]::Move($staged, $dest)\n                $onDisk")
    said = [(m.start(), m.group(1)) for m in re.finditer(r"\$onDisk = \(?['\"]([^'\"]+)", source)]
    before = [text for at, text in said if at < swap]
    assert before == ["The previous certificate, if any, is still in place"]
    # after a successful swap or move, and before any later step that can fail, the message is the new one
    after_swap = [text for at, text in said if swap < at < source.index("Set-EsusSddl -Path $backup", swap)]
    after_move = [text for at, text in said if move < at < source.index("Set-EsusSddl -Path $dest", move)]
    assert after_swap[-1].startswith("The new certificate is in place")
    assert after_move[-1].startswith("The new certificate is in place")


# - defect 5: names resolved as ansible.windows resolves them -


def test_names_are_resolved_as_ansible_windows_does():
    from tests.support.powershell import ansible_windows_module

    utils = ansible_windows_module("win_file").parent.parent / "module_utils"
    theirs = (utils / "_SecurityIdentifier.psm1").read_text()
    ours = PSM1.read_text()
    body = ours[ours.index("Function ConvertTo-EsusSid") : ours.index("Function Test-EsusLocalGroup")]
    for move in ("-eq '.'", "$env:COMPUTERNAME", "schemaClassName -eq", "WinNT://", "NTAccount"):
        assert move in theirs, "ansible.windows changed how it resolves names: %s" % move
    assert "if ($domain -eq '.') { $domain = $env:COMPUTERNAME }" in body
    assert "$domain -eq $env:COMPUTERNAME -and (Test-EsusLocalGroup -Name $account)" in body
    assert "System.Security.Principal.NTAccount -ArgumentList $domain, $account" in body
    assert "WinNT://$env:COMPUTERNAME,computer" in ours


# - defect 7: reads with backup semantics -


def test_chaves_is_read_with_backup_semantics():
    ours = PSM1.read_text()
    assert "#AnsibleRequires -CSharpUtil ansible_collections.esus.pec.plugins.module_utils.BackupFile" in ours
    backup = "[ansible_collections.esus.pec.plugins.module_utils.BackupFile.BackupFile]::"
    assert backup + "OpenRead($Path)" in ours and backup + "GetSddl($Path)" in ours
    assert not re.search(r"::OpenRead\(|GetAccessControl\(", ours.replace(backup + "OpenRead(", ""))
    code = BACKUP_CS.read_text()
    assert code.count("FILE_FLAG_BACKUP_SEMANTICS, IntPtr.Zero)") == 1  # the one CreateFile call
    deploy = DEPLOY.read_text()
    assert "'SeBackupPrivilege', 'SeRestorePrivilege'" in deploy


# - defect 8: paths -


@pytest.mark.parametrize("path, options", [(DEPLOY, ["pec_root"]), (PROBE, ["pec_root", "fact_path"])])
def test_host_paths_are_typed_path_and_a_drive_root_keeps_its_separator(path, options):
    spec = module_spec(path)["options"]
    assert {name: spec[name]["type"] for name in options} == {name: "path" for name in options}
    documented = specs(("esus.pec." + path.stem,))["esus.pec." + path.stem]
    assert {name: documented[name]["type"] for name in options} == {name: "path" for name in options}
    source = path.read_text()
    assert "ConvertTo-EsusRoot -Path $module.Params.pec_root" in source and ".TrimEnd(" not in source
    helper = PSM1.read_text()
    assert "if ($full.Length -gt [System.IO.Path]::GetPathRoot($full).Length)" in helper


# - defect 9: Constrained Language Mode -


def test_the_constrained_language_mode_limit_is_documented():
    text = (REPO / "docs" / "windows.md").read_text()
    assert "powershell_signatures.psd1" in text and "New-AnsiblePowerShellSignature" in text
    assert not (REPO / "meta" / "powershell_signatures.psd1").exists()  # unsigned, it would only mislead


def test_the_what_is_proven_table_names_tests_that_exist():
    """docs/windows.md's table of what CI proves without a host names real test files."""
    text = (REPO / "docs" / "windows.md").read_text()
    table = text[text.index("| claim | test |") : text.index("Only a real host proves")]
    named = set(re.findall(r"`(tests/[\w/]+\.py)`", table))
    assert {"tests/unit/plugins/test_windows_semantics.py", "tests/integration/test_windows_csharp.py"} <= named
    assert sorted(name for name in named if not (REPO / name).is_file()) == []
