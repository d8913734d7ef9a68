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
        service = @{ type = 'str'; default = '' }
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
    # not created here: windows_exporter's installer makes its textfile folder; one made by us would inherit
    # its parent's ACL (under ProgramData, any user could add files), so a missing folder is the error
    if (-not [System.IO.Directory]::Exists($folder)) {
        throw "the folder $folder does not exist: give rnds_readiness_metrics_dir as windows_exporter's textfile folder (--collector.textfile.directories)"
    }
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
    # Sources with evidence behind them (issue 23), never the uninstall registry (whose e-SUS entry is the bundled
    # PostgreSQL's): the app's own jar (its manifest), then the service wrapper's service.xml (WinSW).
    param([string]$Root)
    $jar = [System.IO.Path]::Combine($Root, 'pec-bundle.jar')
    if ([System.IO.File]::Exists($jar)) {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($jar)
        try {
            $manifest = $zip.GetEntry('META-INF/MANIFEST.MF')
            if ($manifest) {
                $reader = New-Object -TypeName System.IO.StreamReader -ArgumentList $manifest.Open()
                try { $text = $reader.ReadToEnd() } finally { $reader.Dispose() }
                $found = [regex]::Match($text, '(?m)^Implementation-Version:\s*(\S+)')
                if ($found.Success) {
                    return @{ version = $found.Groups[1].Value; source = 'webserver\pec-bundle.jar (manifest)' }
                }
            }
        }
        finally {
            $zip.Dispose()
        }
    }
    $xml = [System.IO.Path]::Combine($Root, 'service.xml')
    if ([System.IO.File]::Exists($xml)) {
        $found = [regex]::Match([System.IO.File]::ReadAllText($xml), '\b(\d+\.\d+\.\d+)\b')
        if ($found.Success) { return @{ version = $found.Groups[1].Value; source = 'webserver\service.xml' } }
    }
    return @{ version = $null; source = 'no version in webserver\pec-bundle.jar (manifest) nor webserver\service.xml' }
}

Function Get-PecService {
    # The service manager's view of PEC's service, in the states the controller knows (systemd's words).
    param([string]$Name)
    $found = @(Get-CimInstance -ClassName Win32_Service -Filter ("Name='{0}'" -f $Name.Replace("'", "''")))
    if ($found.Count -eq 0) { return @{ name = $Name; state = 'not_installed'; detail = $null } }
    $service = $found[0]
    $detail = '{0}, {1}' -f $service.State, $service.StartMode
    if ($service.State -in @('Running', 'Start Pending', 'Continue Pending')) {
        return @{ name = $Name; state = 'active'; detail = $detail }
    }
    if ($service.State -eq 'Stopped' -and $service.ExitCode -ne 0) {
        return @{ name = $Name; state = 'failed'; detail = "$detail, exit code $($service.ExitCode)" }
    }
    return @{ name = $Name; state = 'inactive'; detail = $detail }
}

Function Get-PropertyName {
    # The key names of a Java properties file, never its values (application.properties holds the datasource
    # password); $null when it cannot be read.
    param([string]$Path)
    if (-not [System.IO.File]::Exists($Path)) { return $null }
    $names = New-Object -TypeName 'System.Collections.Generic.HashSet[string]'
    foreach ($line in [System.IO.File]::ReadAllLines($Path)) {
        $line = $line.Trim()
        if ($line.Length -eq 0 -or $line[0] -in @('#', '!')) { continue }
        $found = [regex]::Match($line, '^[^=:\s]+')
        if ($found.Success) { [void]$names.Add($found.Value) }
    }
    return , $names
}

Function Get-CadsusConfig {
    # What CADSUS needs besides the certificate (issue 23), from key names: HTTPS (5.3+: certmgr's ssl.properties;
    # before: server.ssl.key-store in application.properties) and the gov.br login client-id.
    param([string]$Root)
    $certmgr = Get-PropertyName -Path ([System.IO.Path]::Combine($Root, 'certmgr', 'config', 'ssl.properties'))
    $application = [System.IO.Path]::Combine($Root, 'config', 'application.properties')
    $app = Get-PropertyName -Path $application
    $https = $null
    if ($certmgr -and $certmgr.Count -gt 0) { $https = 'certmgr' }
    elseif ($app -and $app.Contains('server.ssl.key-store')) { $https = 'application.properties' }
    $state = if ($null -ne $app) { 'read' } else { 'missing' }
    return @{
        https = $https
        govbr_login = [bool]($app -and $app.Contains('bridge.security.oauth2.client.registration.govbr.client-id'))
        application_properties = $state
    }
}

Function Test-Endpoint {
    param([string]$Name, [int]$Port, [double]$Timeout)
    # stage: where it failed, 'dns' (the name) or 'tcp' (the connection), as the Linux probe says it
    try {
        [void][System.Net.Dns]::GetHostAddresses($Name)
    }
    catch {
        return @{ host = $Name; port = $Port; reachable = $false; error = 'cannot resolve the name'; stage = 'dns' }
    }
    $client = New-Object -TypeName System.Net.Sockets.TcpClient
    try {
        $attempt = $client.ConnectAsync($Name, $Port)
        if (-not $attempt.Wait([int]($Timeout * 1000))) {
            return @{ host = $Name; port = $Port; reachable = $false; error = "no answer in $Timeout s"; stage = 'tcp' }
        }
        return @{ host = $Name; port = $Port; reachable = $client.Connected; error = $null; stage = $null }
    }
    catch {
        $reason = $_.Exception
        while ($reason.InnerException) { $reason = $reason.InnerException }
        return @{ host = $Name; port = $Port; reachable = $false; error = $reason.Message; stage = 'tcp' }
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

$pec = @{ installed = $false; version = $null; version_source = $null; error = $null }
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
    try {
        $found = Get-PecVersion -Root $root
        $pec.version = $found.version
        $pec.version_source = $found.source
    }
    catch {
        $pec.version_source = "the webserver files could not be read: $($_.Exception.Message)"
    }
}
$module.Result.pec = $pec

# PEC running, from the service manager; and the host's clock, compared with the controller's (issue 23)
if ($module.Params.service) {
    try {
        $module.Result.service = Get-PecService -Name $module.Params.service
    }
    catch {
        $module.Result.service = @{ name = $module.Params.service; state = 'unknown'; detail = $_.Exception.Message }
    }
}
$module.Result.time = [double]([DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000.0)
$module.Result.cadsus = $null
if ($pec.installed) {
    try { $module.Result.cadsus = Get-CadsusConfig -Root $root } catch { $module.Result.cadsus = $null }
}

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
