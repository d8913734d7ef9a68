#!powershell

# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil Ansible.Privilege
#AnsibleRequires -PowerShell ansible_collections.esus.pec.plugins.module_utils.FileSecurity

# The Windows host part of esus.pec.certificate_deploy. It does not decide: without apply it observes (chaves,
# its files, the deployed file, the principals' SIDs) and the controller plans; with apply it makes exactly the
# planned changes if chaves and the certificate are still as observed: chaves closed with one security
# descriptor, then the certificate the controller validated and sent staged, verified and swapped.

$spec = @{
    options = @{
        pec_root = @{ type = 'path'; required = $true }
        create_pec_root = @{ type = 'bool'; default = $false }
        dest_name = @{ type = 'str'; required = $true }
        principals = @{ type = 'list'; elements = 'str'; default = @() }
        checksum = @{ type = 'str'; required = $true }
        size = @{ type = 'int'; required = $true }
        apply = @{
            type = 'list'
            elements = 'str'
            choices = @(
                'chaves.create', 'chaves.permissions', 'certificate_file.install', 'certificate_file.replace',
                'certificate_file.permissions', 'staging.remove', 'others.remove'
            )
        }
        expect = @{ type = 'dict' }
        sddl = @{ type = 'str' }
        stale = @{ type = 'list'; elements = 'str'; default = @() }
        others = @{ type = 'list'; elements = 'str'; default = @() }
        content = @{ type = 'str'; no_log = $true }
        backups = @{ type = 'int'; default = 2 }
    }
    required_by = @{ apply = @('sddl') }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$ErrorActionPreference = 'Stop'

$StagingPrefix = '.esus-pec-staging-'  # no .pfx/.p12 suffix: PEC does not list it
$FileSddl = 'O:BAD:AI'  # owner Administrators, no explicit ACE: the file holds exactly what chaves gives

$root = ConvertTo-EsusRoot -Path $module.Params.pec_root
$chaves = [System.IO.Path]::Combine($root, 'chaves')
$name = $module.Params.dest_name
if ($name.IndexOfAny([System.IO.Path]::GetInvalidFileNameChars()) -ge 0 -or $name -in @('', '.', '..')) {
    $module.FailJson("dest_name must be a file name, not a path: $name. Nothing was changed.")
}
$dest = [System.IO.Path]::Combine($chaves, $name)
$backupDir = [System.IO.Path]::Combine($root, 'esus-pec-backups')
$checksum = $module.Params.checksum.ToLowerInvariant()
$module.Result.dest = $dest

Function Get-PathKind {
    # 'absent', 'file', 'folder' or 'other' (a link), as the controller's plan reads them.
    param([string]$Path)
    if ([System.IO.Directory]::Exists($Path)) { return 'folder' }
    if (-not [System.IO.File]::Exists($Path)) { return 'absent' }
    $attributes = [System.IO.File]::GetAttributes($Path)
    if ($attributes.HasFlag([System.IO.FileAttributes]::ReparsePoint)) { return 'other' }
    return 'file'
}

Function Get-Observation {
    # Everything the controller's plan needs, read-only, in the shape of win_pec_probe's answer.
    $sids = @{}
    foreach ($principal in $module.Params.principals) {
        try { $sids[$principal] = ConvertTo-EsusSid -Principal $principal } catch { $sids[$principal] = $null }
    }
    $folder = @{ path = $chaves; exists = $false; is_dir = $false; readable = $null; error = $null; sddl = $null }
    $files = @()
    if ([System.IO.Directory]::Exists($chaves)) {
        $folder.exists = $true
        $folder.is_dir = $true
        $files = @(Get-EsusChavesListing -Folder $folder -Path $chaves)
    }
    elseif ([System.IO.File]::Exists($chaves)) {
        $folder.exists = $true
    }
    return @{
        pec = @{ installed = [System.IO.Directory]::Exists($root) }
        chaves = $folder
        files = $files
        dest = @{ kind = (Get-PathKind -Path $dest) }
        sids = $sids
    }
}

Function Get-Seen {
    # chaves and the certificate as the controller's expectation knows them, read again now.
    $seen = @{ chaves = $null; dest = $null }
    if ([System.IO.Directory]::Exists($chaves)) {
        $seen.chaves = @{ sddl = Get-EsusSddl -Path $chaves -Directory }
    }
    if ((Get-PathKind -Path $dest) -eq 'file') {
        $seen.dest = @{
            sha1 = Get-EsusSha1 -Path $dest
            size = (New-Object -TypeName System.IO.FileInfo -ArgumentList $dest).Length
            sddl = Get-EsusSddl -Path $dest
        }
    }
    return $seen
}

Function Test-Expected {
    # True when what is seen now is what was observed (null: absent then and now).
    param($Seen, $Expected)
    if ($null -eq $Expected) { return $null -eq $Seen }
    if ($null -eq $Seen) { return $false }
    foreach ($key in $Expected.Keys) {
        if ([string]$Seen[$key] -cne [string]$Expected[$key]) { return $false }
    }
    return $true
}

# What is on disk if a step fails, said in the failure: it changes as the steps go.
$onDisk = 'The previous certificate, if any, is still in place'
$privileges = New-Object -TypeName Ansible.Privilege.PrivilegeEnabler -ArgumentList @(
    $false, 'SeBackupPrivilege', 'SeRestorePrivilege', 'SeTakeOwnershipPrivilege'
)
try {
    # - observe: what is there; nothing is touched -
    if ($null -eq $module.Params.apply) {
        $module.Result.observed = Get-Observation
        $module.ExitJson()
    }
    $apply = @($module.Params.apply)
    $bytesChange = ($apply -contains 'certificate_file.install') -or ($apply -contains 'certificate_file.replace')
    if ($null -ne $module.Params.expect) {
        # compare-and-swap: the host must still be what the controller decided on
        $seen = Get-Seen
        if (-not ((Test-Expected -Seen $seen.chaves -Expected $module.Params.expect.chaves) -and
                (Test-Expected -Seen $seen.dest -Expected $module.Params.expect.dest))) {
            $module.FailJson("$chaves changed since it was looked at: run the deploy again. Nothing was changed.")
        }
    }
    $module.Result.changes = $apply
    $module.Result.changed = $apply.Count -gt 0
    if ($apply.Count -eq 0 -or $module.CheckMode) {
        $module.ExitJson()
    }

    # - apply: chaves is closed before any certificate byte is written into it -
    $sddl = $module.Params.sddl
    $bytes = $null
    if ($bytesChange) {
        if ($null -eq $module.Params.content) {
            $module.FailJson("the certificate must be written but no content was given. Nothing was changed.")
        }
        $bytes = [System.Convert]::FromBase64String($module.Params.content)
        $received = Get-EsusSha1 -Bytes $bytes
        if ($bytes.Length -ne $module.Params.size -or $received -ne $checksum) {
            $module.FailJson(("the certificate arrived damaged ({0} bytes, SHA-1 {1}; the controller validated {2} bytes, " +
                    "SHA-1 {3}). Nothing was changed: run again.") -f $bytes.Length, $received, $module.Params.size, $checksum)
        }
    }
    if ($apply -contains 'staging.remove') {
        foreach ($stale in $module.Params.stale) {
            if ($stale.StartsWith($StagingPrefix) -and $stale.IndexOfAny([System.IO.Path]::GetInvalidFileNameChars()) -lt 0) {
                [System.IO.File]::Delete([System.IO.Path]::Combine($chaves, $stale))
            }
        }
    }
    if ($apply -contains 'chaves.create') {
        [void][System.IO.Directory]::CreateDirectory($root)
        [void][System.IO.Directory]::CreateDirectory($chaves, (New-EsusSecurity -Sddl $sddl -Directory))
    }
    if (($apply -contains 'chaves.create') -or ($apply -contains 'chaves.permissions') -or $bytesChange) {
        Set-EsusSddl -Path $chaves -Sddl $sddl -Directory
    }
    if ($bytesChange) {
        $backup = $null
        $keepStaged = $false
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
            Set-EsusSddl -Path $staged -Sddl $FileSddl
            $written = Get-EsusSha1 -Path $staged
            if ($written -ne $checksum) {
                throw "the staged copy on the host has SHA-1 $written, not the validated $checksum"
            }
            if ([System.IO.File]::Exists($dest)) {
                if ($module.Params.backups -gt 0) {
                    if (-not [System.IO.Directory]::Exists($backupDir)) {
                        [void][System.IO.Directory]::CreateDirectory($backupDir, (New-EsusSecurity -Sddl $sddl -Directory))
                    }
                    Set-EsusSddl -Path $backupDir -Sddl $sddl -Directory
                    $stamp = [System.DateTime]::UtcNow.ToString('yyyyMMddTHHmmssZ')
                    $backup = [System.IO.Path]::Combine($backupDir, "$name.$stamp~")
                    if ([System.IO.File]::Exists($backup)) { [System.IO.File]::Delete($backup) }
                }
                else {
                    # ReplaceFile always gets a backup name, so a half-done swap leaves the old file under a known name
                    # (a staging name: the next run removes it if this one cannot)
                    $backup = $staged + '.old'
                }
                # ReplaceFile: the staged file takes the old one's name in one step; the old one becomes the backup.
                try {
                    [System.IO.File]::Replace($staged, $dest, $backup, $true)
                }
                catch {
                    if ([System.IO.File]::Exists($dest) -or -not [System.IO.File]::Exists($backup)) { throw }
                    # ERROR_UNABLE_TO_MOVE_REPLACEMENT_2 (1177): the old file is already the backup, the new one is
                    # still staged, and the certificate's name is free. Finish the move, or put the old one back.
                    $swapError = $_.Exception.Message
                    try {
                        [System.IO.File]::Move($staged, $dest)
                    }
                    catch {
                        try {
                            [System.IO.File]::Move($backup, $dest)
                        }
                        catch {
                            $onDisk = ("$name is missing: the previous certificate is $backup and the new one $staged; " +
                                "rename one of them to $name, then run the deploy again")
                            $keepStaged = $true
                            throw "the swap stopped halfway ($swapError) and neither file could take the name back ($($_.Exception.Message))"
                        }
                        $onDisk = 'The previous certificate was put back in place'
                        throw "the swap stopped halfway ($swapError), and the new certificate could not take its name"
                    }
                }
                $onDisk = ("The new certificate is in place (SHA-1 $checksum), but a step after the swap failed: run the " +
                    "deploy again to finish it")
                if ($module.Params.backups -gt 0) {
                    Set-EsusSddl -Path $backup -Sddl $FileSddl
                    $module.Result.backup = $backup
                    $kept = @([System.IO.Directory]::GetFiles($backupDir, "$name.*~") | Sort-Object)
                    if ($kept.Count -gt $module.Params.backups) {
                        $kept[0..($kept.Count - $module.Params.backups - 1)] | ForEach-Object { [System.IO.File]::Delete($_) }
                    }
                }
                else {
                    [System.IO.File]::Delete($backup)
                }
            }
            else {
                [System.IO.File]::Move($staged, $dest)
                $onDisk = ("The new certificate is in place (SHA-1 $checksum), but a step after it was put there failed: " +
                    "run the deploy again to finish it")
            }
        }
        catch {
            if (-not $keepStaged -and [System.IO.File]::Exists($staged)) { [System.IO.File]::Delete($staged) }
            throw
        }
        # ReplaceFile carries the old file's descriptor over: the new file must hold exactly what chaves gives.
        Set-EsusSddl -Path $dest -Sddl $FileSddl
    }
    elseif ($apply -contains 'certificate_file.permissions') {
        Set-EsusSddl -Path $dest -Sddl $FileSddl
    }
    if ($apply -contains 'others.remove') {
        foreach ($other in $module.Params.others) {
            $extension = [System.IO.Path]::GetExtension($other)
            if ($extension -in @('.pfx', '.p12') -and -not [string]::Equals($other, $name, 'OrdinalIgnoreCase') -and
                $other.IndexOfAny([System.IO.Path]::GetInvalidFileNameChars()) -lt 0) {
                [System.IO.File]::Delete([System.IO.Path]::Combine($chaves, $other))
            }
        }
    }
}
catch {
    $module.FailJson(("{0}: {1}. {2}." -f $dest, $_.Exception.Message, $onDisk), $_)
}
finally {
    $privileges.Dispose()
}
$module.ExitJson()
