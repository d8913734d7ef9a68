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

Export-ModuleMember -Function @('Get-EsusSha1', 'ConvertTo-EsusSid', 'Get-EsusSddl', 'New-EsusSecurity', 'Set-EsusSddl')
