#!powershell

# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil Ansible.Privilege

# The Windows host part of esus.pec.certificate_deploy: in one execution, close chaves with one security
# descriptor, then stage, verify and swap the certificate the controller validated and sent.

$spec = @{
    options = @{
        pec_root = @{ type = 'str'; default = 'C:\Program Files\e-SUS\webserver' }
        create_pec_root = @{ type = 'bool'; default = $false }
        dest_name = @{ type = 'str'; required = $true }
        sddl = @{ type = 'str'; required = $true }
        principals = @{ type = 'list'; elements = 'str'; default = @() }
        checksum = @{ type = 'str'; required = $true }
        size = @{ type = 'int'; required = $true }
        content = @{ type = 'str'; no_log = $true }
        backups = @{ type = 'int'; default = 2 }
        remove_others = @{ type = 'bool'; default = $false }
        option_names = @{ type = 'dict'; default = @{} }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$ErrorActionPreference = 'Stop'

$StagingPrefix = '.esus-pec-staging-'  # no .pfx/.p12 suffix: PEC does not list it
$FileSddl = 'O:BAD:AI'  # owner Administrators, no explicit ACE: the file holds exactly what chaves gives
$Sections = [System.Security.AccessControl.AccessControlSections]'Owner, Access'
$SidType = [System.Security.Principal.SecurityIdentifier]

$root = [System.IO.Path]::GetFullPath($module.Params.pec_root.TrimEnd('\', '/'))
$chaves = [System.IO.Path]::Combine($root, 'chaves')
$name = $module.Params.dest_name
if ($name.IndexOfAny([System.IO.Path]::GetInvalidFileNameChars()) -ge 0 -or $name -in @('.', '..')) {
    $module.FailJson("dest_name must be a file name, not a path: $name. Nothing was changed.")
}
$dest = [System.IO.Path]::Combine($chaves, $name)
$backupDir = [System.IO.Path]::Combine($root, 'esus-pec-backups')
$checksum = $module.Params.checksum.ToLowerInvariant()
$module.Result.dest = $dest
$module.Result.checksum = $checksum
$module.Result.changes = @()
$module.Result.others = @()

Function Get-OptionName {
    # An option as the messages name it: pec_root, or "pec_root (rnds_certificate_pec_root)" when the caller (a
    # role, through the action) said how it names the option
    param([string]$Option)
    $names = $module.Params.option_names
    if ($null -ne $names -and $names.ContainsKey($Option) -and $names[$Option] -and $names[$Option] -ne $Option) {
        return "$Option ($($names[$Option]))"
    }
    return $Option
}

Function ConvertTo-Sid {
    param([string]$Principal)
    if ($Principal -match '^S-1-\d+(-\d+)+$') {
        return (New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList $Principal).Value
    }
    $account = New-Object -TypeName System.Security.Principal.NTAccount -ArgumentList $Principal
    return $account.Translate($SidType).Value
}

Function Get-Sha1 {
    param([byte[]]$Bytes, [string]$Path)
    $sha1 = [System.Security.Cryptography.SHA1]::Create()
    try {
        if ($Path) {
            $stream = [System.IO.File]::OpenRead($Path)
            try { $hash = $sha1.ComputeHash($stream) } finally { $stream.Dispose() }
        }
        else {
            $hash = $sha1.ComputeHash($Bytes)
        }
    }
    finally {
        $sha1.Dispose()
    }
    return ([System.BitConverter]::ToString($hash) -replace '-', '').ToLowerInvariant()
}

Function Get-RuleKey {
    param($Security)
    $rules = $Security.GetAccessRules($true, $false, $SidType)
    $keys = foreach ($rule in $rules) {
        '{0}|{1}|{2}|{3}|{4}' -f @(
            $rule.AccessControlType, $rule.IdentityReference.Value, [int]$rule.FileSystemRights,
            [int]$rule.InheritanceFlags, [int]$rule.PropagationFlags
        )
    }
    return (@($keys) | Sort-Object) -join ';'
}

Function New-Security {
    param([string]$Sddl, [switch]$Directory)
    if ($Directory) {
        $security = New-Object -TypeName System.Security.AccessControl.DirectorySecurity
    }
    else {
        $security = New-Object -TypeName System.Security.AccessControl.FileSecurity
    }
    $security.SetSecurityDescriptorSddlForm($Sddl, $Sections)
    return $security
}

Function Test-Descriptor {
    # True when the owner, the protection and the explicit ACEs of Path are those of Sddl.
    param([string]$Path, [string]$Sddl, [switch]$Directory)
    $wanted = New-Security -Sddl $Sddl -Directory:$Directory
    if ($Directory) {
        $current = [System.IO.Directory]::GetAccessControl($Path, $Sections)
    }
    else {
        $current = [System.IO.File]::GetAccessControl($Path, $Sections)
    }
    $owner = $current.GetOwner($SidType)
    return ($null -ne $owner -and $owner.Value -eq $wanted.GetOwner($SidType).Value -and
        $current.AreAccessRulesProtected -eq $wanted.AreAccessRulesProtected -and
        (Get-RuleKey -Security $current) -eq (Get-RuleKey -Security $wanted))
}

Function Set-Descriptor {
    param([string]$Path, [string]$Sddl, [switch]$Directory)
    $security = New-Security -Sddl $Sddl -Directory:$Directory
    if ($Directory) {
        [System.IO.Directory]::SetAccessControl($Path, $security)
    }
    else {
        [System.IO.File]::SetAccessControl($Path, $security)
    }
}

Function Get-Other {
    # The other .pfx/.p12 in chaves: Windows file names compare without regard to case.
    if (-not [System.IO.Directory]::Exists($chaves)) { return @() }
    $found = foreach ($file in [System.IO.Directory]::GetFiles($chaves)) {
        $leaf = [System.IO.Path]::GetFileName($file)
        $extension = [System.IO.Path]::GetExtension($leaf)
        if ($extension -in @('.pfx', '.p12') -and -not [string]::Equals($leaf, $name, 'OrdinalIgnoreCase')) { $file }
    }
    return @($found | Sort-Object)
}

# Resolve the extra principals first: a name the host does not know stops the run before anything changes.
$sids = New-Object -TypeName System.Collections.Generic.List[string]
foreach ($principal in $module.Params.principals) {
    try {
        $sids.Add((ConvertTo-Sid -Principal $principal))
    }
    catch {
        $module.FailJson(("this host cannot resolve '{0}' to a SID ({1}): fix {2}. " +
                "Nothing was changed.") -f $principal, $_.Exception.Message, (Get-OptionName -Option 'principals'))
    }
}
# Groups that would open chaves, and the private key, to every user of the host (the controller refuses them by
# name too; here they are caught whatever the language of the host's group names).
$broad = @('S-1-1-0', 'S-1-5-32-545', 'S-1-5-11', 'S-1-5-4', 'S-1-5-2', 'S-1-5-7', 'S-1-5-32-546', 'S-1-15-2-1')
for ($i = 0; $i -lt $sids.Count; $i++) {
    if ($sids[$i] -in $broad) {
        $module.FailJson(("'{0}' ({1}) would open chaves, and the municipality's private key, to every user of the host: " +
                "give access to the PEC service account only. Nothing was changed.") -f $module.Params.principals[$i], $sids[$i])
    }
}
$sddl = [string]::Format($module.Params.sddl, [object[]]$sids.ToArray())
$module.Result.sddl = $sddl
$module.Result.sids = $sids.ToArray()

$privileges = New-Object -TypeName Ansible.Privilege.PrivilegeEnabler -ArgumentList @(
    $false, 'SeBackupPrivilege', 'SeRestorePrivilege', 'SeTakeOwnershipPrivilege'
)
try {
    # - looking: what must change; nothing is touched -
    if (-not [System.IO.Directory]::Exists($root) -and -not $module.Params.create_pec_root) {
        $module.FailJson(("PEC is not installed in {0} (no such folder). Set {1} to the webserver " +
                "folder of this PEC, or {2}: true to create the tree anyway. Nothing was " +
                "changed on the host.") -f $root, (Get-OptionName -Option 'pec_root'), (Get-OptionName -Option 'create_pec_root'))
    }
    if ([System.IO.File]::Exists($chaves)) {
        $module.FailJson("$chaves exists and is not a folder: move it away. Nothing was changed.")
    }
    if ([System.IO.Directory]::Exists($dest)) {
        $module.FailJson("$dest exists and is a folder: move it away. Nothing was changed.")
    }
    $plan = @{
        chaves = -not [System.IO.Directory]::Exists($chaves)
        chaves_descriptor = $false
        content = $true
        renewal = [System.IO.File]::Exists($dest)
        file_descriptor = $false
        stale = @()
        others = @()
    }
    if (-not $plan.chaves) {
        $plan.chaves_descriptor = -not (Test-Descriptor -Path $chaves -Sddl $sddl -Directory)
        $plan.stale = @([System.IO.Directory]::GetFiles($chaves, "$StagingPrefix*"))
        $plan.others = Get-Other
    }
    if ($plan.renewal) {
        $plan.content = (Get-Sha1 -Path $dest) -ne $checksum
        $plan.file_descriptor = (-not $plan.content) -and -not (Test-Descriptor -Path $dest -Sddl $FileSddl)
    }
    $changes = @(
        if ($plan.chaves) { 'create chaves' }
        if ($plan.chaves_descriptor) { 'set the security descriptor of chaves' }
        if ($plan.content) { if ($plan.renewal) { 'replace the certificate (renewal)' } else { 'install the certificate' } }
        if ($plan.file_descriptor) { 'set the security descriptor of the certificate' }
        if ($plan.stale.Count -gt 0) { 'remove a staging file left by an interrupted run' }
        if ($module.Params.remove_others -and $plan.others.Count -gt 0) { 'remove the other certificates' }
    )
    $module.Result.changes = $changes
    $module.Result.others = $plan.others
    $module.Result.changed = $changes.Count -gt 0
    if ($module.DiffMode -and $changes.Count -gt 0) {
        $before = if ($plan.renewal) { "${dest}: sha1 $(Get-Sha1 -Path $dest)`n" } else { "${dest}: absent`n" }
        $module.Diff.before = $before
        $module.Diff.after = "${chaves}: $sddl`n${dest}: $FileSddl, sha1 $checksum`n"
    }
    if ($changes.Count -eq 0 -or $module.CheckMode) {
        $module.ExitJson()
    }

    # - changing: chaves is closed before any certificate byte is written into it -
    $bytes = $null
    if ($plan.content) {
        if ($null -eq $module.Params.content) {
            $module.FailJson("the certificate must be written but no content was given. Nothing was changed.")
        }
        $bytes = [System.Convert]::FromBase64String($module.Params.content)
        $received = Get-Sha1 -Bytes $bytes
        if ($bytes.Length -ne $module.Params.size -or $received -ne $checksum) {
            $module.FailJson(("the certificate arrived damaged ({0} bytes, SHA-1 {1}; the controller validated {2} bytes, " +
                    "SHA-1 {3}). Nothing was changed: run again.") -f $bytes.Length, $received, $module.Params.size, $checksum)
        }
    }
    foreach ($stale in $plan.stale) {
        [System.IO.File]::Delete($stale)
    }
    if ($plan.chaves) {
        [void][System.IO.Directory]::CreateDirectory($root)
        [void][System.IO.Directory]::CreateDirectory($chaves, (New-Security -Sddl $sddl -Directory))
    }
    if ($plan.chaves -or $plan.chaves_descriptor) {
        Set-Descriptor -Path $chaves -Sddl $sddl -Directory
    }
    if ($plan.content) {
        $staged = [System.IO.Path]::Combine($chaves, $StagingPrefix + [System.Guid]::NewGuid().ToString('N').Substring(0, 12))
        try {
            $stream = New-Object -TypeName System.IO.FileStream -ArgumentList @(
                $staged, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write, [System.IO.FileShare]::None
            )
            try {
                $stream.Write($bytes, 0, $bytes.Length)
                $stream.Flush($true)
            }
            finally {
                $stream.Dispose()
            }
            Set-Descriptor -Path $staged -Sddl $FileSddl
            $written = Get-Sha1 -Path $staged
            if ($written -ne $checksum) {
                throw "the staged copy on the host has SHA-1 $written, not the validated $checksum"
            }
            if ($plan.renewal) {
                $backup = $null
                if ($module.Params.backups -gt 0) {
                    if (-not [System.IO.Directory]::Exists($backupDir)) {
                        [void][System.IO.Directory]::CreateDirectory($backupDir, (New-Security -Sddl $sddl -Directory))
                    }
                    if (-not (Test-Descriptor -Path $backupDir -Sddl $sddl -Directory)) {
                        Set-Descriptor -Path $backupDir -Sddl $sddl -Directory
                    }
                    $stamp = [System.DateTime]::UtcNow.ToString('yyyyMMddTHHmmssZ')
                    $backup = [System.IO.Path]::Combine($backupDir, "$name.$stamp~")
                    if ([System.IO.File]::Exists($backup)) { [System.IO.File]::Delete($backup) }
                }
                # ReplaceFile: the staged file takes the old one's name in one step; the old one becomes the backup.
                [System.IO.File]::Replace($staged, $dest, $backup, $true)
                if ($backup) {
                    Set-Descriptor -Path $backup -Sddl $FileSddl
                    $module.Result.backup = $backup
                    $kept = @([System.IO.Directory]::GetFiles($backupDir, "$name.*~") | Sort-Object)
                    if ($kept.Count -gt $module.Params.backups) {
                        $kept[0..($kept.Count - $module.Params.backups - 1)] | ForEach-Object { [System.IO.File]::Delete($_) }
                    }
                }
            }
            else {
                [System.IO.File]::Move($staged, $dest)
            }
        }
        catch {
            if ([System.IO.File]::Exists($staged)) { [System.IO.File]::Delete($staged) }
            throw
        }
        # ReplaceFile carries the old file's descriptor over: the new file must hold exactly what chaves gives.
        if (-not (Test-Descriptor -Path $dest -Sddl $FileSddl)) {
            Set-Descriptor -Path $dest -Sddl $FileSddl
        }
    }
    elseif ($plan.file_descriptor) {
        Set-Descriptor -Path $dest -Sddl $FileSddl
    }
    if ($module.Params.remove_others) {
        foreach ($other in $plan.others) {
            [System.IO.File]::Delete($other)
        }
    }
}
catch {
    $module.FailJson(("{0}: {1}. The previous certificate, if any, is still in place." -f $dest, $_.Exception.Message), $_)
}
finally {
    $privileges.Dispose()
}
$module.ExitJson()
