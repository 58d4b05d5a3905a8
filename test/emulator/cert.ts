// A certificate made at start for 127.0.0.1 and localhost, written to a temp folder so clients can
// trust it (NODE_EXTRA_CA_CERTS, or tls.setDefaultCACertificates in a test process). Never committed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface EmulatorCertificate {
  cert: string;
  key: string;
  /** PEM file of the certificate, which is its own CA. */
  caPath: string;
  dir: string;
}

export async function makeCertificate(): Promise<EmulatorCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'Azure ML Monitor emulator' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'amlmonitor-emulator-'));
  const caPath = join(dir, 'emulator-ca.pem');
  writeFileSync(caPath, pems.cert);
  return { cert: pems.cert, key: pems.private, caPath, dir };
}
