// A certificate made at start for 127.0.0.1 and localhost, written to a temp folder so clients can
// trust it (NODE_EXTRA_CA_CERTS, or tls.setDefaultCACertificates in a test process). Never committed.
import { randomUUID } from 'node:crypto';
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
  // A subject of its own: two emulators trusted by one process must not share an issuer name.
  const pems = await generate([{ name: 'commonName', value: `Azure ML Monitor emulator ${randomUUID()}` }], {
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
