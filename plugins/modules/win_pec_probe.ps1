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
        pec_root = @{ type = 'str'; default = 'C:\Program Files\e-SUS\webserver' }
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
        fact_path = @{ type = 'str'; default = 'C:\ProgramData\esus.pec\facts.d\esus_pec_rnds.json' }
        fact_content = @{ type = 'str' }
        # Prometheus (issue 25): the decision file, read back or written; the audit's time, written by the look
        metrics_path = @{ type = 'path' }
        metrics_content = @{ type = 'str' }
        timestamp_path = @{ type = 'path' }
        timestamp_content = @{ type = 'str' }
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

Function Write-EsusMetric {
    # A textfile-collector file, atomically: an unpredictable temporary name windows_exporter ignores (not
    # *.prom), then a replace. Only when the text differs; returns whether it wrote.
    param([string]$Path, [string]$Content)
    $full = [System.IO.Path]::GetFullPath($Path)
    if ([System.IO.File]::Exists($full) -and [System.IO.File]::ReadAllText($full, $Utf8) -ceq $Content) { return $false }
    $folder = [System.IO.Path]::GetDirectoryName($full)
    [void][System.IO.Directory]::CreateDirectory($folder)
    $temp = [System.IO.Path]::Combine($folder, '.esus-pec-' + [System.IO.Path]::GetRandomFileName())
    [System.IO.File]::WriteAllText($temp, $Content, $Utf8)
    if ([System.IO.File]::Exists($full)) { [System.IO.File]::Replace($temp, $full, $null, $true) }
    else { [System.IO.File]::Move($temp, $full) }
    return $true
}

# - the decision's metrics (with the fact, in the same execution, only when they differ) -
if ($null -ne $module.Params.metrics_content -and $module.Params.metrics_path) {
    try {
        if ($module.CheckMode) { $module.Result.changed = $true }
        elseif (Write-EsusMetric -Path $module.Params.metrics_path -Content $module.Params.metrics_content) {
            $module.Result.changed = $true
        }
    }
    catch {
        $module.FailJson("the metrics file $($module.Params.metrics_path) could not be written: $($_.Exception.Message)", $_)
    }
    if ($null -eq $module.Params.fact_content) { $module.ExitJson() }
}

# - writing the local fact (second execution, only when the audit's result differs from the one on disk) -
if ($null -ne $module.Params.fact_content) {
    try {
        if ((Read-Fact) -cne $module.Params.fact_content) {
            if (-not $module.CheckMode) {
                [void][System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($factPath))
                $temp = "$factPath.esus-pec-tmp"
                [System.IO.File]::WriteAllText($temp, $module.Params.fact_content, $Utf8)
                if ([System.IO.File]::Exists($factPath)) {
                    [System.IO.File]::Replace($temp, $factPath, $null, $true)
                }
                else {
                    [System.IO.File]::Move($temp, $factPath)
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

$root = [System.IO.Path]::GetFullPath($module.Params.pec_root.TrimEnd('\', '/'))
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

# Prometheus: the decision file as the last audit left it; the audit's time, written here (one execution)
if ($module.Params.metrics_path) {
    $metricsPath = [System.IO.Path]::GetFullPath($module.Params.metrics_path)
    $module.Result.metrics_current = $null
    if ([System.IO.File]::Exists($metricsPath)) { $module.Result.metrics_current = [System.IO.File]::ReadAllText($metricsPath, $Utf8) }
    $module.Result.timestamp_error = $null
    if ($module.Params.timestamp_path -and $null -ne $module.Params.timestamp_content -and -not $module.CheckMode) {
        try { [void](Write-EsusMetric -Path $module.Params.timestamp_path -Content $module.Params.timestamp_content) }
        catch { $module.Result.timestamp_error = "$($module.Params.timestamp_path): $($_.Exception.Message)" }
    }
}

$module.Result.network = @(foreach ($endpoint in $module.Params.endpoints) {
        Test-Endpoint -Name $endpoint.host -Port $endpoint.port -Timeout $module.Params.timeout
    })
$module.ExitJson()
