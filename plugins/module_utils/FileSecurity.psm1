# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# What both Windows modules (win_chaves_certificate, win_pec_probe) need from a file: its SHA-1, a principal's
# SID, and its security descriptor as SDDL (owner and DACL), read or written. Written once, here.

$script:Sections = [System.Security.AccessControl.AccessControlSections]'Owner, Access'
$script:SidType = [System.Security.Principal.SecurityIdentifier]

Function Get-EsusSha1 {
    # SHA-1 (lower-case hex) of a file, or of bytes in memory.
    [CmdletBinding()]
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

Function ConvertTo-EsusSid {
    # A name (NT SERVICE\e-SUS-PEC, PEC01\pec) or a SID, as a SID; throws when the host cannot resolve it.
    [CmdletBinding()]
    param([string]$Principal)
    if ($Principal -match '^S-1-\d+(-\d+)+$') {
        return (New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList $Principal).Value
    }
    $account = New-Object -TypeName System.Security.Principal.NTAccount -ArgumentList $Principal
    return $account.Translate($script:SidType).Value
}

Function Get-EsusSddl {
    # The owner and DACL of a file or folder, as SDDL (what the controller compares).
    [CmdletBinding()]
    param([string]$Path, [switch]$Directory)
    if ($Directory) {
        $security = [System.IO.Directory]::GetAccessControl($Path, $script:Sections)
    }
    else {
        $security = [System.IO.File]::GetAccessControl($Path, $script:Sections)
    }
    return $security.GetSecurityDescriptorSddlForm($script:Sections)
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

Export-ModuleMember -Function @(
    'Get-EsusSha1', 'ConvertTo-EsusSid', 'Get-EsusSddl', 'New-EsusSecurity', 'Set-EsusSddl', 'Get-EsusChavesListing'
)
