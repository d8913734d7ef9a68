# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

#AnsibleRequires -CSharpUtil ansible_collections.esus.pec.plugins.module_utils.BackupFile

# What both Windows modules (win_chaves_certificate, win_pec_probe) need from a file: its SHA-1, a principal's
# SID, and its security descriptor as SDDL (owner and DACL), read or written; and a folder only SYSTEM and
# Administrators can write to (the local fact's). Written once, here. Reads go through BackupFile.cs (backup
# semantics: with SeBackupPrivilege enabled, a chaves closed to Administrators can still be read).

$script:Sections = [System.Security.AccessControl.AccessControlSections]'Owner, Access'
$script:SidType = [System.Security.Principal.SecurityIdentifier]
# A folder only SYSTEM and Administrators can write to or change, owned by Administrators, protected from its
# parent's ACEs (ProgramData's lets BUILTIN\Users create files and gives CREATOR OWNER full control).
$script:PrivateFolderSddl = 'O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)'
# SYSTEM, Administrators and TrustedInstaller (the owner of C:\ itself)
$script:TrustedOwners = @('S-1-5-18', 'S-1-5-32-544', 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464')

Function ConvertTo-EsusRoot {
    # A folder as a full path without a trailing separator, except a drive's root: C:\ stays C:\ (C: alone is
    # "the current folder of drive C").
    [CmdletBinding()]
    param([string]$Path)
    $full = [System.IO.Path]::GetFullPath($Path)
    if ($full.Length -gt [System.IO.Path]::GetPathRoot($full).Length) { $full = $full.TrimEnd('\', '/') }
    return $full
}

Function Get-EsusSha1 {
    # SHA-1 (lower-case hex) of a file, or of bytes in memory.
    [CmdletBinding()]
    param([byte[]]$Bytes, [string]$Path)
    $sha1 = [System.Security.Cryptography.SHA1]::Create()
    try {
        if ($Path) {
            $stream = [ansible_collections.esus.pec.plugins.module_utils.BackupFile.BackupFile]::OpenRead($Path)
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

Function ConvertTo-EsusSid {
    # A name (NT SERVICE\e-SUS-PEC, PEC01\pec, .\pec) or a SID, as a SID; throws when the host cannot resolve it.
    # Resolved as ansible.windows' _SecurityIdentifier.psm1 does (ConvertTo-AnsibleWindowsSecurityIdentifier, a
    # module util ansible.windows keeps for itself, so ported here): '.' is this computer, and a local group
    # named with this computer's name (PEC01\Leitores) is looked up without it, since NTAccount does not find a
    # local group by HOST\group.
    [CmdletBinding()]
    param([string]$Principal)
    try {
        return (New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList $Principal).Value
    }
    catch [System.ArgumentException] {
        # not a SID string: a name
        $null = $_
    }
    $domain = $null
    $account = $Principal
    if ($Principal.Contains('\')) {
        $domain, $account = $Principal -split '\\', 2
        if ($domain -eq '.') { $domain = $env:COMPUTERNAME }
        if ($domain -eq $env:COMPUTERNAME -and (Test-EsusLocalGroup -Name $account)) { $domain = $null }
    }
    if ($domain) {
        $name = New-Object -TypeName System.Security.Principal.NTAccount -ArgumentList $domain, $account
    }
    else {
        $name = New-Object -TypeName System.Security.Principal.NTAccount -ArgumentList $account
    }
    return $name.Translate($script:SidType).Value
}

Function Test-EsusLocalGroup {
    # True when this computer has a local group of that name (what _SecurityIdentifier.psm1 asks ADSI).
    [CmdletBinding()]
    param([string]$Name)
    $computer = [ADSI]"WinNT://$env:COMPUTERNAME,computer"
    $group = $computer.psbase.children | Where-Object { $_.schemaClassName -eq 'group' -and $_.Name -eq $Name } |
        Select-Object -First 1
    return [bool]$group
}

Function Get-EsusSddl {
    # The owner and DACL of a file or folder, as SDDL (what the controller compares), read with backup semantics
    # (one call for both: Directory is kept so callers say what they read).
    [CmdletBinding()]
    param([string]$Path, [switch]$Directory)
    return [ansible_collections.esus.pec.plugins.module_utils.BackupFile.BackupFile]::GetSddl($Path)
}

Function New-EsusSecurity {
    # A descriptor object from SDDL, for SetAccessControl or CreateDirectory.
    [CmdletBinding()]
    param([string]$Sddl, [switch]$Directory)
    if ($Directory) {
        $security = New-Object -TypeName System.Security.AccessControl.DirectorySecurity
    }
    else {
        $security = New-Object -TypeName System.Security.AccessControl.FileSecurity
    }
    $security.SetSecurityDescriptorSddlForm($Sddl, $script:Sections)
    return $security
}

Function Set-EsusSddl {
    # Give a file or folder exactly the owner, protection and explicit ACEs of Sddl, in one step.
    [CmdletBinding()]
    param([string]$Path, [string]$Sddl, [switch]$Directory)
    $security = New-EsusSecurity -Sddl $Sddl -Directory:$Directory
    if ($Directory) {
        [System.IO.Directory]::SetAccessControl($Path, $security)
    }
    else {
        [System.IO.File]::SetAccessControl($Path, $security)
    }
}

Function Get-EsusChavesListing {
    # chaves as both modules look at it, read-only: fills the folder's sddl, readable and error, and returns one
    # entry per file (name, size, SHA-1, SDDL). Call it as @(Get-EsusChavesListing ...): PowerShell unrolls a
    # function's output, so one file would come back bare and none as $null.
    [CmdletBinding()]
    param([hashtable]$Folder, [string]$Path)
    try { $Folder.sddl = Get-EsusSddl -Path $Path -Directory }
    catch { $Folder.error = "its security descriptor could not be read: $($_.Exception.Message)" }
    try {
        $entries = [System.IO.Directory]::GetFiles($Path)
        $Folder.readable = $true
    }
    catch {
        $entries = @()
        $Folder.readable = $false
        $Folder.error = $_.Exception.Message
    }
    foreach ($filePath in $entries) {
        $entry = @{ name = [System.IO.Path]::GetFileName($filePath); size = $null; sha1 = $null; sddl = $null; readable = $true; error = $null }
        try {
            $entry.size = (New-Object -TypeName System.IO.FileInfo -ArgumentList $filePath).Length
            $entry.sha1 = Get-EsusSha1 -Path $filePath
            $entry.sddl = Get-EsusSddl -Path $filePath
        }
        catch {
            $entry.readable = $false
            $entry.error = $_.Exception.Message
        }
        $entry
    }
}

Function Get-EsusOwner {
    # The owner's SID of an SDDL string from Get-EsusSddl (O:BA -> S-1-5-32-544).
    [CmdletBinding()]
    param([string]$Sddl)
    $security = New-Object -TypeName System.Security.AccessControl.DirectorySecurity
    $security.SetSecurityDescriptorSddlForm($Sddl, [System.Security.AccessControl.AccessControlSections]::Owner)
    return $security.GetOwner($script:SidType).Value
}

Function Initialize-EsusPrivateFolder {
    # Make Path (and each missing folder above it) with the private descriptor, or check the one there: it must be
    # owned by SYSTEM, Administrators or the account running the module, and so must each file in it (setup runs
    # every *.ps1 of a fact_path: a file someone else put there would run as the Ansible admin). A folder that
    # passes gets the private descriptor (one made by an older version inherited ProgramData's ACEs). Throws,
    # naming what is wrong, before anything is written into it.
    [CmdletBinding()]
    param([string]$Path)
    $trusted = @($script:TrustedOwners) + [System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value
    $missing = New-Object -TypeName System.Collections.Generic.List[string]
    $folder = $Path
    while ($folder -and -not [System.IO.Directory]::Exists($folder)) {
        $missing.Insert(0, $folder)
        $folder = [System.IO.Path]::GetDirectoryName($folder)
    }
    foreach ($new in $missing) {
        [void][System.IO.Directory]::CreateDirectory($new, (New-EsusSecurity -Sddl $script:PrivateFolderSddl -Directory))
    }
    # the folder above too: whoever owns it could move this one away and put their own in its place
    foreach ($checked in @([System.IO.Path]::GetDirectoryName($Path), $Path)) {
        if (-not $checked) { continue }
        $owner = Get-EsusOwner -Sddl (Get-EsusSddl -Path $checked -Directory)
        if ($owner -notin $trusted) {
            throw "$checked is owned by $owner, not by SYSTEM or Administrators: someone else made it; remove it or give it to Administrators"
        }
    }
    foreach ($entry in [System.IO.Directory]::GetFileSystemEntries($Path)) {
        $entryOwner = Get-EsusOwner -Sddl (Get-EsusSddl -Path $entry)
        if ($entryOwner -notin $trusted) {
            throw "$entry is owned by $entryOwner, not by SYSTEM or Administrators: check what it is and remove it"
        }
    }
    if ($missing -notcontains $Path) {
        Set-EsusSddl -Path $Path -Sddl $script:PrivateFolderSddl -Directory
    }
}

Export-ModuleMember -Function @(
    'Get-EsusSha1', 'ConvertTo-EsusSid', 'Get-EsusSddl', 'New-EsusSecurity', 'Set-EsusSddl', 'Get-EsusChavesListing',
    'Initialize-EsusPrivateFolder', 'Test-EsusLocalGroup', 'Get-EsusOwner', 'ConvertTo-EsusRoot'
)
