# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The readiness codes in Brazilian Portuguese: code -> (sentence, next step). Private to the collection.

The sentence is ``str.format`` text over the code's values; ``{user: como %s}`` is `` como <user>``, or nothing
when the value is unknown. The next step starts lower case: it is shown after the sentence and a colon. Values
that come from elsewhere (an error of the host, a Windows descriptor's differences) stay as they were said.
"""

from __future__ import annotations

_BECOME = (
    "rode a auditoria com become (esus_pec_become: true, o padrão; o usuário precisa de sudo no servidor) ou, no "
    "Windows, como membro do grupo Administradores do servidor"
)
_DEPLOY = "rode o deploy (papel rnds_certificate)"
_EXPORT = "exporte de novo o certificado com a chave privada do e-Gestor AB e rode o deploy"

_NEW_CERTIFICATE = (
    "peça um novo certificado no e-Gestor AB, cifre-o com o ansible-vault e aponte rnds_certificate_src para ele"
)
_NEW_EXPORT = (
    "exporte de novo o certificado com a chave privada do e-Gestor AB, cifre-o com o ansible-vault e aponte "
    "rnds_certificate_src para ele"
)

CODE_TEXT = {
    "audit.not_audited": (
        "O servidor não pôde ser auditado (inacessível ou a auditoria falhou)",
        "confira se o servidor está ligado e acessível (SSH ou WinRM) com a conta do Ansible e rode a auditoria de "
        "novo",
    ),
    "pec.installed": ("PEC {version} instalado em {root}", ""),
    "pec.version_unknown": ("PEC instalado em {root}; versão desconhecida (não encontrada em {source})", ""),
    "pec.not_installed": (
        "O PEC não está instalado em {root} (a pasta não existe)",
        "instale o e-SUS APS PEC ou informe a pasta onde ele está (pec_root)",
    ),
    "pec.unreadable": ("Não foi possível olhar {root}: {error}", "rode a auditoria como administrador"),
    "chaves.ok": ("{path} está {seen}", ""),
    "chaves.descriptor_ok": (
        "{path}: dono Administradores, fechada a todos menos SYSTEM, Administradores e os principais extras",
        "",
    ),
    "chaves.missing": ("{path} não existe", _DEPLOY),
    "chaves.not_a_folder": ("{path} não é uma pasta", "tire esse arquivo de lá e " + _DEPLOY),
    "chaves.unreadable": ("Não foi possível olhar {path}: {error}", _BECOME),
    "chaves.permissions": ("{path} está {seen}, o esperado é {wanted}", "o papel rnds_certificate acerta isso"),
    "chaves.descriptor": ("{problems}", "o papel rnds_certificate acerta isso"),
    "chaves.owner_not_read": (
        "{path} existe; o dono e as permissões não foram lidos",
        "audite de novo; -vvv mostra o que a sondagem respondeu",
    ),
    "chaves.descriptor_not_read": (
        "{path} existe; o descritor de segurança não foi lido ({error})",
        "audite de novo como membro do grupo Administradores do servidor",
    ),
    "chaves.not_checked": ("Sem instalação do PEC onde olhar", "instale o PEC primeiro"),
    "certificate_file.ok": ("{name} é o único certificado na pasta chaves", ""),
    "certificate_file.stray": (
        "{name} encontrado; também {names}, que o PEC ignora (sem chave privada)",
        "pode ser removido",
    ),
    "certificate_file.missing": ("Nenhum .pfx/.p12 na pasta chaves", "coloque o certificado do município"),
    "certificate_file.certificate_only": (
        "Só {names} na pasta chaves: um certificado sem a chave privada, que o PEC não aceita",
        "coloque o .pfx/.p12",
    ),
    "certificate_file.several": (
        "{count} certificados na pasta chaves ({names}): o PEC aceita um",
        "deixe só o do município (rnds_certificate_remove_others)",
    ),
    "certificate_file.unlistable": (
        "Não foi possível listar a pasta chaves{user: como %s} ({error}), então o certificado não pode ser visto",
        _BECOME,
    ),
    "certificate_file.unreadable": (
        "Não foi possível ler {names}{user: como %s}, então o certificado não pode ser conferido",
        _BECOME,
    ),
    "certificate_file.no_chaves": ("Sem pasta chaves onde olhar", _DEPLOY),
    "certificate_file.not_checked": ("Sem instalação do PEC onde olhar", "instale o PEC primeiro"),
    "certificate.ok": ("Certificado válido, {days} dias restantes (até {not_after})", ""),
    "certificate.expiring": (
        "O certificado vence em {not_after}, daqui a {days} dias",
        "peça a renovação no e-Gestor AB agora e rode o deploy com o novo certificado",
    ),
    "certificate.expired": (
        "O certificado venceu em {not_after}",
        "peça um novo certificado no e-Gestor AB e rode o deploy",
    ),
    "certificate.not_yet_valid": (
        "O certificado ainda não é válido",
        "confira o relógio do controlador ou espere a data de início do certificado",
    ),
    "certificate.wrong_password": (
        "Senha errada para o certificado",
        "confira a senha do certificado no inventário (vault) e rode o deploy de novo",
    ),
    "certificate.unsupported_encryption": (
        "A criptografia ou a senha do certificado é uma que o PEC (Java) não aceita",
        "exporte de novo com as opções padrão (AES) e uma senha sem acentos, guarde-a no vault e rode o deploy",
    ),
    "certificate.certificate_only": ("O arquivo é um certificado sem a chave privada", _EXPORT),
    "certificate.no_private_key": ("O arquivo do certificado não tem chave privada utilizável", _EXPORT),
    "certificate.key_mismatch": ("A chave privada não é a do certificado", _EXPORT),
    "certificate.identity_mismatch": (
        "O certificado é de outra entidade{cnpj: (CNPJ %s)}",
        "confira qual arquivo vai para este servidor",
    ),
    "certificate.not_pkcs12": ("O arquivo não é um certificado PKCS#12 (.pfx/.p12)", _EXPORT),
    "certificate.corrupt": (
        "O arquivo do certificado está danificado",
        "não mude a senha: baixe ou exporte de novo o .pfx original, cifre com o ansible-vault e rode o deploy",
    ),
    "certificate.missing": ("Sem arquivo de certificado", "coloque o certificado do município"),
    "certificate.invalid": ("O certificado não pode ser usado ({verdict})", "leia o detalhe da verificação"),
    "certificate.not_checked": ("Nenhum certificado único para validar", "veja a verificação certificate_file"),
    "token.accepted": (
        "TLS mútuo aceito: a RNDS emitiu um token para este certificado (isso prova a confiança ICP-Brasil, não "
        "que o certificado está autorizado a enviar registros)",
        "",
    ),
    "token.refused": (
        "A RNDS recusou o certificado: {detail}",
        "confira se o certificado do município está habilitado na RNDS (e-Gestor AB)",
    ),
    "token.failed": (
        "O pedido de token à RNDS falhou: {detail}",
        "confira o caminho do controlador até a RNDS e audite de novo",
    ),
    "token.unknown": ("O pedido de token à RNDS não teve resposta clara: {detail}", "audite de novo mais tarde"),
    "network.ok": ("Alcança {endpoints}", ""),
    "network.unreachable": (
        "Não alcança {failed} a partir do servidor; o PEC mostraria 'Sem conexão'",
        "libere a saída do servidor para a RNDS (firewall, proxy, DNS)",
    ),
    "network.not_checked": ("Não verificada (rnds_readiness_check_network: false)", "ligue a verificação de rede"),
    "network.no_endpoint": (
        "Nenhum endereço a verificar (rnds_readiness_endpoints está vazio)",
        "informe o endereço da RNDS",
    ),
    "fact.not_written": (
        "O fato local {path} não pôde ser gravado: {error}",
        "audite de novo com become (Windows: como administrador)",
    ),
    # issue 23: o PEC como o instalador deixou, o serviço, o host EHR da UF, o relógio, o CADSUS
    "pec_config.ok": ("{config}: instalação concluída, de produção, PEC {version} em {webserver}", ""),
    "pec_config.missing": (
        "Não dá para confirmar a instalação: {config} não existe",
        "se o PEC foi instalado à mão, ignore; senão informe o arquivo do instalador (rnds_readiness_pec_config)",
    ),
    "pec_config.unreadable": (
        "Não dá para confirmar a instalação: {config} não pôde ser lido ({error})",
        "audite com become, ou informe o arquivo do instalador (rnds_readiness_pec_config)",
    ),
    "pec_config.unfinished": (
        "A instalação do PEC não terminou ({config} diz success: false)",
        "rode de novo o instalador do e-SUS APS PEC até o fim",
    ),
    "pec_config.training": (
        "Esta é uma instalação de treinamento do PEC ({config} diz production: false): ela nunca envia registros",
        "instale o PEC em modo produção neste servidor",
    ),
    "pec_config.other_root": (
        "A pasta do PEC no inventário, {root}, não é a que o instalador gravou em {config}, {recorded}:"
        " o certificado iria para onde o PEC não procura; a variável a corrigir é {variable}",
        "defina-a como a pasta que o instalador gravou, rode o deploy e audite de novo",
    ),
    "pec_config.too_old": (
        "O PEC {version} não tem a configuração da RNDS (existe a partir do PEC 4.2)",
        "atualize o e-SUS APS PEC para a versão atual",
    ),
    "pec_config.no_direct_sending": (
        "O PEC {version} não envia registros direto à RNDS (a partir do PEC 5.2)",
        "atualize o e-SUS APS PEC para a versão atual",
    ),
    "pec_config.not_checked": (
        "O arquivo do instalador não foi lido ({why})",
        "nada a fazer no Windows; no Linux informe-o (rnds_readiness_pec_config)",
    ),
    "service.active": ("O serviço {service} está rodando ({detail})", ""),
    "service.inactive": (
        "O serviço {service} está parado ({detail}): o PEC não envia nada",
        "inicie o serviço (systemctl start, ou Start-Service no Windows) e habilite-o na inicialização",
    ),
    "service.failed": (
        "O serviço {service} falhou ({detail}): o PEC não envia nada",
        "leia webserver/logs/pec.log e o diário do serviço (journalctl -u), corrija a causa e inicie o serviço",
    ),
    "service.not_installed": (
        "Não existe o serviço {service} no servidor",
        "rode o instalador do e-SUS APS PEC, ou informe o serviço do PEC (rnds_readiness_pec_service)",
    ),
    "service.cannot_tell": (
        "Não dá para saber se o serviço {service} está rodando ({why})",
        "confira à mão que o PEC está no ar, ou deixe rnds_readiness_pec_service vazio para pular",
    ),
    "service.not_checked": (
        "O serviço não foi verificado (rnds_readiness_pec_service está vazio)",
        "informe o serviço do PEC (rnds_readiness_pec_service, e-SUS-PEC)",
    ),
    "network.unresolved": (
        "O servidor não resolve {failed} (DNS); o PEC mostraria 'Sem conexão'",
        "corrija o DNS (ou o proxy) do servidor para esses nomes",
    ),
    "trust.ok": ("O Java do PEC confia em {endpoints} ({path}: {format}, {anchors} certificados)", ""),
    "trust.untrusted": (
        "O Java do PEC recusaria {failed}, conferido contra {path}: o PEC falharia com 'PKIX path building failed'"
        " e mostraria 'Sem conexão'",
        "se um proxy inspeciona o TLS, libere dele os hosts da RNDS; senão importe em {path} a AC que emitiu o"
        " certificado do servidor com o keytool do próprio PEC (jre/current/bin/keytool -importcert -keystore"
        " {path}) ou atualize o PEC, cujo instalador traz o seu Java; depois audite de novo",
    ),
    "trust.unknown": (
        "Não foi possível conferir os servidores da RNDS contra o repositório de confiança do Java do PEC {path}:"
        " {why}",
        "confira se {path} é o cacerts do PEC e pode ser lido (rnds_readiness_jre_cacerts indica outro)",
    ),
    "trust.not_checked": (
        "O repositório de confiança do Java do PEC não foi conferido: nenhum endpoint da RNDS foi alcançado pelo"
        " servidor",
        "faça a verificação de rede passar primeiro (rnds_readiness_check_network)",
    ),
    "trust.windows": (
        "O repositório de confiança do Java do PEC ainda não é conferido em servidores Windows",
        "depois de habilitar o certificado, veja se Gestão Municipal > Certificados diz 'Conexão bem-sucedida'",
    ),
    "clock.ok": ("O relógio do servidor está a {skew} s do relógio do controlador", ""),
    "clock.skewed": (
        "O relógio do servidor está {skew} s {direction} do controlador (mais de {limit} s): certificados e TLS"
        " são julgados pelo relógio do servidor",
        "sincronize o relógio do servidor (NTP: timedatectl set-ntp true, ou w32tm /resync no Windows)",
    ),
    "clock.not_checked": ("O relógio do servidor não foi lido", "audite de novo"),
    "cadsus.ready": ("Pré-requisitos do CADSUS presentes: HTTPS ({https}) e login gov.br", ""),
    "cadsus.no_https": (
        "CADSUS: o HTTPS do PEC não está configurado (sem certmgr/config/ssl.properties, sem server.ssl.* em"
        " config/application.properties)",
        "configure o HTTPS num domínio gov.br (manual do e-SUS APS, HTTPS automatizado)",
    ),
    "cadsus.no_govbr_login": (
        "CADSUS: o login gov.br não está configurado (sem client-id govbr em config/application.properties)",
        "configure o login gov.br (manual do e-SUS APS, Login gov.br)",
    ),
    "cadsus.https_silent": (
        "CADSUS: o HTTPS está configurado, mas a porta {port} não responde no servidor ({error})",
        "confira se o PEC roda com HTTPS e em qual porta (rnds_readiness_https_port)",
    ),
    "cadsus.https_expired": (
        "CADSUS: o certificado HTTPS da porta {port} venceu em {not_after}",
        "renove o certificado HTTPS do PEC",
    ),
    "cadsus.https_ok": ("CADSUS: o HTTPS responde na porta {port}; o certificado tem {days} dias de validade", ""),
    "cadsus.not_checked": (
        "Pré-requisitos do CADSUS não verificados ({why})",
        "audite de novo com o PEC instalado",
    ),
    # issue 23 (wt-23b): the inventory's certificate, the right one among several, the reminder after a renewal
    "inventory.not_configured": (
        "Nenhum certificado no inventário para este servidor (rnds_certificate_src): a auditoria confere só o "
        "arquivo da pasta chaves",
        "informe rnds_certificate_src e rnds_certificate_password deste servidor para compará-los",
    ),
    "inventory.same": ("O certificado em chaves ({name}) é o do inventário ({src})", ""),
    "inventory.not_deployed": (
        "O certificado do inventário ({src}) é válido até {not_after}; ainda não há um único certificado em chaves "
        "para comparar",
        "",
    ),
    "inventory.differs": (
        "{name} em chaves não é o certificado do inventário ({src}): em chaves série {deployed_serial}, válido até "
        "{deployed_not_after}; no inventário série {inventory_serial}, válido até {inventory_not_after}",
        _DEPLOY + " para instalar o do inventário",
    ),
    "inventory.deploy_needed": (
        "O certificado do inventário ({src}, série {inventory_serial}, válido até {inventory_not_after}) não é o que "
        "está em chaves ({name}, série {deployed_serial}, válido até {deployed_not_after}), que não serve",
        _DEPLOY + ": ele instala o certificado do inventário",
    ),
    "inventory.not_vaulted": (
        "{src} não está cifrado com o ansible-vault: o deploy o recusa",
        "cifre-o (ansible-vault encrypt) ou, sabendo o que faz, use rnds_certificate_allow_plaintext: true",
    ),
    "inventory.missing": (
        "O arquivo do certificado do inventário ({src}) não existe no controlador",
        "corrija rnds_certificate_src: o .pfx do município, cifrado com o ansible-vault",
    ),
    "inventory.vault_locked": (
        "{src} não pôde ser decifrado com os segredos do vault desta execução",
        "passe o --vault-id / --vault-password-file certo deste município",
    ),
    "inventory.wrong_password": (
        "A senha do inventário (rnds_certificate_password) não abre o certificado {src}",
        "corrija rnds_certificate_password no vault: é a senha definida ao baixar o certificado do e-Gestor AB",
    ),
    "inventory.expired": (
        "O certificado do inventário ({src}) venceu em {not_after}",
        _NEW_CERTIFICATE,
    ),
    "inventory.not_yet_valid": (
        "O certificado do inventário ({src}) ainda não é válido (a partir de {not_before})",
        "confira o relógio do controlador ou espere a data de início do certificado",
    ),
    "inventory.unsupported_encryption": (
        "A criptografia ou a senha do certificado do inventário ({src}) é uma que o PEC (Java) não aceita",
        "exporte de novo com as opções padrão (AES) e uma senha sem acentos e guarde os dois no vault",
    ),
    "inventory.certificate_only": (
        "O certificado do inventário ({src}) não tem a chave privada (.cer/.crt)",
        _NEW_EXPORT,
    ),
    "inventory.no_private_key": ("O certificado do inventário ({src}) não tem chave privada utilizável", _NEW_EXPORT),
    "inventory.key_mismatch": ("A chave privada do inventário ({src}) não é a do certificado", _NEW_EXPORT),
    "inventory.identity_mismatch": (
        "O certificado do inventário ({src}) é de outra entidade{cnpj: (CNPJ %s)}",
        "confira qual arquivo rnds_certificate_src aponta para este servidor",
    ),
    "inventory.not_pkcs12": ("O arquivo do inventário ({src}) não é um certificado .pfx/.p12", _NEW_EXPORT),
    "inventory.corrupt": (
        "O arquivo do certificado do inventário ({src}) está danificado",
        "não mude a senha: baixe ou exporte de novo o .pfx original do e-Gestor AB e cifre-o com o ansible-vault",
    ),
    "inventory.invalid": (
        "O certificado do inventário ({src}) não pode ser usado ({verdict})",
        "leia o detalhe da verificação; " + _NEW_CERTIFICATE,
    ),
    "certificate_file.others": (
        "{name} é o certificado do inventário; a pasta chaves também tem {others}, que o PEC mostra na mesma lista",
        "em Gestão Municipal > Certificados, confira que {name} é o selecionado; para tirar os outros, rode o deploy "
        "com rnds_certificate_remove_others: true",
    ),
    "renewal.select_in_pec": (
        "O certificado em chaves ({name}) mudou em {renewed_on} (agora vale até {not_after})",
        "o administrador municipal precisa selecionar {name} e digitar a senha dele em Gestão Municipal > "
        "Certificados: o PEC continua com o arquivo escolhido antes",
    ),
    # issue 25: os arquivos do Prometheus que a auditoria deixa no servidor
    "metrics.not_written": (
        "O arquivo de métricas {path} não pôde ser gravado: {error}",
        "confira rnds_readiness_metrics_dir (uma pasta em que o root possa gravar) e audite de novo com become",
    ),
    # issue 24b: why a host was not audited
    "audit.unreachable": (
        "O controlador não conseguiu entrar no servidor (rede, porta do SSH ou WinRM, chave do host ou conta)",
        "confira se o servidor está ligado, se a porta do SSH (22) ou do WinRM (5985/5986) está aberta ao "
        "controlador e se a conta e a chave do Ansible entram nele; depois rode a auditoria só nele (--limit)",
    ),
    "audit.become_failed": (
        "O sudo recusou a conta do Ansible ou pediu uma senha",
        "dê à conta sudo no servidor (sem senha, ou rode com --ask-become-pass / ansible_become_password no "
        "vault); sem sudo o PEC e a pasta chaves não podem ser lidos",
    ),
    "audit.no_python": (
        "O servidor não tem o Python que o Ansible usa",
        "instale o python3 no servidor (apt install python3) ou informe ansible_python_interpreter no inventário",
    ),
    "audit.failed": (
        "A auditoria falhou neste servidor",
        "rode a auditoria só nele com -v (--limit <servidor>) e leia a mensagem do Ansible",
    ),
    # end of issue 24b
}
