#!powershell

# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -PowerShell ansible_collections.esus.pec.plugins.module_utils.FileSecurity

# The Windows probe of esus.pec.rnds_audit: everything the audit needs from a PEC server in one read-only
# execution; with fact_content, writes the local fact instead (only when it differs).

$spec = @{
    options = @{
        pec_root = @{ type = 'path'; default = 'C:\Program Files\e-SUS\webserver' }
        principals = @{ type = 'list'; elements = 'str'; default = @() }
        endpoints = @{
            type = 'list'
            elements = 'dict'
            default = @()
            options = @{
                host = @{ type = 'str'; required = $true }
                port = @{ type = 'int'; default = 443 }
            }
        }
        timeout = @{ type = 'float'; default = 5 }
        read_certificate = @{ type = 'bool'; default = $true }
        max_size = @{ type = 'int'; default = 1048576 }
        fact_path = @{ type = 'path'; default = 'C:\ProgramData\esus.pec\facts.d\esus_pec_rnds.json' }
        fact_content = @{ type = 'str' }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$ErrorActionPreference = 'Stop'
$Utf8 = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false

$factPath = [System.IO.Path]::GetFullPath($module.Params.fact_path)
$module.Result.fact_path = $factPath

Function Read-Fact {
    if (-not [System.IO.File]::Exists($factPath)) { return $null }
    return [System.IO.File]::ReadAllText($factPath, $Utf8)
}

# - writing the local fact (second execution, only when the audit's result differs from the one on disk) -
if ($null -ne $module.Params.fact_content) {
    try {
        if ((Read-Fact) -cne $module.Params.fact_content) {
            if (-not $module.CheckMode) {
                # setup runs every *.ps1 of a fact_path as the Ansible admin: the folder is SYSTEM's and
                # Administrators' only, and refused (nothing written) when someone else owns it or a file in it
                $factFolder = [System.IO.Path]::GetDirectoryName($factPath)
                Initialize-EsusPrivateFolder -Path $factFolder
                # a name nobody can guess, created new (never an existing file or link); setup skips its suffix
                $temp = [System.IO.Path]::Combine($factFolder, '.esus-pec-' + [System.Guid]::NewGuid().ToString('N') + '.tmp')
                $bytes = $Utf8.GetBytes($module.Params.fact_content)
                try {
                    $stream = New-Object -TypeName System.IO.FileStream -ArgumentList @(
                        $temp, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write, [System.IO.FileShare]::None
                    )
                    try { $stream.Write($bytes, 0, $bytes.Length) } finally { $stream.Dispose() }
                    if ([System.IO.File]::Exists($factPath)) {
                        [System.IO.File]::Replace($temp, $factPath, $null, $true)
                    }
                    else {
                        [System.IO.File]::Move($temp, $factPath)
                    }
                }
                finally {
                    if ([System.IO.File]::Exists($temp)) { [System.IO.File]::Delete($temp) }
                }
            }
            $module.Result.changed = $true
        }
    }
    catch {
        $module.FailJson("the local fact $factPath could not be written: $($_.Exception.Message)", $_)
    }
    $module.ExitJson()
}

Function Get-PecVersion {
    # The PEC installer registers itself under Uninstall; the version PEC shows is its DisplayVersion.
    $keys = @(
        'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*'
        'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*'
    )
    $entries = foreach ($key in $keys) {
        Get-ItemProperty -Path $key -ErrorAction SilentlyContinue |
            Where-Object { $_.PSObject.Properties['DisplayName'] -and $_.DisplayName -like '*e-SUS*' -and
                $_.PSObject.Properties['DisplayVersion'] }
    }
    $entry = @($entries) | Select-Object -First 1
    if ($entry) { return [string]$entry.DisplayVersion }
    return $null
}

Function Test-Endpoint {
    param([string]$Name, [int]$Port, [double]$Timeout)
    $client = New-Object -TypeName System.Net.Sockets.TcpClient
    try {
        $attempt = $client.ConnectAsync($Name, $Port)
        if (-not $attempt.Wait([int]($Timeout * 1000))) {
            return @{ host = $Name; port = $Port; reachable = $false; error = "no answer in $Timeout s" }
        }
        return @{ host = $Name; port = $Port; reachable = $client.Connected; error = $null }
    }
    catch {
        $reason = $_.Exception
        while ($reason.InnerException) { $reason = $reason.InnerException }
        return @{ host = $Name; port = $Port; reachable = $false; error = $reason.Message }
    }
    finally {
        $client.Dispose()
    }
}

$root = ConvertTo-EsusRoot -Path $module.Params.pec_root
$chaves = [System.IO.Path]::Combine($root, 'chaves')
$module.Result.user = [System.Security.Principal.WindowsIdentity]::GetCurrent().Name
$module.Result.fact_current = Read-Fact

# The extra principals, as SIDs: the controller builds the descriptor chaves should have from them.
$sids = @{}
foreach ($principal in $module.Params.principals) {
    try {
        $sids[$principal] = ConvertTo-EsusSid -Principal $principal
    }
    catch {
        $sids[$principal] = $null
    }
}
$module.Result.sids = $sids

$pec = @{ installed = $false; version = $null; version_source = 'the Windows uninstall registry'; error = $null }
try {
    $pec.installed = (Get-Item -LiteralPath $root -Force).PSIsContainer
}
catch [System.Management.Automation.ItemNotFoundException] {
    $pec.installed = $false
}
catch {
    $pec.error = $_.Exception.Message
}
if ($pec.installed) {
    try { $pec.version = Get-PecVersion } catch { $pec.version = $null }
}
$module.Result.pec = $pec

$folder = @{ exists = $false; is_dir = $false; readable = $null; error = $null; sddl = $null }
$files = @()
if ($pec.installed) {
    try {
        $item = Get-Item -LiteralPath $chaves -Force
        $folder.exists = $true
        $folder.is_dir = $item.PSIsContainer
    }
    catch [System.Management.Automation.ItemNotFoundException] {
        $folder.exists = $false
    }
    catch {
        $folder.exists = $true
        $folder.readable = $false
        $folder.error = $_.Exception.Message
    }
}
if ($folder.is_dir) {
    $files = @(Get-EsusChavesListing -Folder $folder -Path $chaves)
}
$module.Result.chaves = $folder
$module.Result.files = $files

# The certificate's bytes, for the controller's verdict: only when there is exactly one, and not a huge file.
$module.Result.certificate_b64 = $null
$pkcs12 = @($files | Where-Object { [System.IO.Path]::GetExtension($_.name) -in @('.pfx', '.p12') })
if ($module.Params.read_certificate -and $pkcs12.Count -eq 1 -and $pkcs12[0].readable -and
    $pkcs12[0].size -le $module.Params.max_size) {
    $bytes = [System.IO.File]::ReadAllBytes([System.IO.Path]::Combine($chaves, $pkcs12[0].name))
    $module.Result.certificate_b64 = [System.Convert]::ToBase64String($bytes)
}

$module.Result.network = @(foreach ($endpoint in $module.Params.endpoints) {
        Test-Endpoint -Name $endpoint.host -Port $endpoint.port -Timeout $module.Params.timeout
    })
$module.ExitJson()
