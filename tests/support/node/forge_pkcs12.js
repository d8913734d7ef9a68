// Copyright (c) 2026, esus.pec contributors
// GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later
//
// node-forge's own PKCS#12 writer (forge.pkcs12.toPkcs12Asn1), as a state team's Node.js tool would use it.
// stdin: JSON {key_pem, cert_pems, password, options}; stdout: the PKCS#12 as base64. The key arrives on
// stdin, never argv, and nothing is written to disk.
'use strict';
const forge = require(process.env.ESUS_FORGE_DIR + '/node_modules/node-forge');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const job = JSON.parse(input);
  const key = forge.pki.privateKeyFromPem(job.key_pem);
  const certs = job.cert_pems.map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, job.password, job.options);
  process.stdout.write(forge.util.encode64(forge.asn1.toDer(asn1).getBytes()));
});
