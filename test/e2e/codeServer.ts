// Starts code-server (VS Code's workbench and its Node extension host, served to a browser) with
// the packaged extension installed, user settings written, and the emulator's CA trusted by the
// extension host through NODE_EXTRA_CA_CERTS. Shared by the end-to-end suite and the demo.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Toolchain } from './provision';

export interface CodeServerOptions {
  toolchain: Toolchain;
  vsix: string;
  /** More extensions to install next to it (the e2e test host). */
  extraVsix?: string[];
  /** Environment of code-server and so of its extension host. */
  env?: Record<string, string>;
  /** The emulator's URL (https://127.0.0.1:port) and its CA certificate (a PEM file). */
  emulatorUrl: string;
  caPath: string;
  /** Settings added to (or overriding) the emulator settings. */
  extraSettings?: Record<string, unknown>;
  /** Files to create in the opened folder: relative path → content. */
  workspaceFiles?: Record<string, string>;
  port?: number;
  log?: (line: string) => void;
}

export interface CodeServer {
  url: string;
  /** The workbench URL with the workspace folder opened. */
  folderUrl: string;
  folder: string;
  userDataDir: string;
  /** Where code-server's stdout/stderr go. */
  logFile: string;
  /** Copies code-server's logs (extension host, window) into dir, for a failed run. */
  saveLogs(dir: string): void;
  stop(): Promise<void>;
}

export function emulatorSettings(emulatorUrl: string): Record<string, unknown> {
  return {
    'amlMonitor.cloud': 'Custom',
    'amlMonitor.customCloud': {
      resourceManagerEndpoint: emulatorUrl,
      // The emulator's Logs API answers on localhost: another origin, so another token audience.
      logAnalyticsEndpoint: `${emulatorUrl.replace('//127.0.0.1:', '//localhost:')}/v1`,
    },
    'amlMonitor.auth': 'emulator',
    'amlMonitor.logs.pollIntervalSeconds': 1,
  };
}

// Quiet workbench: nothing opens by itself, nothing phones home, no trust prompt.
const WORKBENCH_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // No proxy patching of https in the extension host: the integration suites run there (last e2e
  // step) trust each test emulator's CA through tls.setDefaultCACertificates, which the patch's
  // own CA list would hide. The product still trusts the e2e emulator via NODE_EXTRA_CA_CERTS.
  'http.proxySupport': 'off',
  // One rendered row per line of the extension's Markdown documents (answers, reports), so that
  // steps read them line by line as a user does.
  '[markdown]': { 'editor.wordWrap': 'off' },
};

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? done(addr.port) : fail(new Error('no port'))));
    });
  });
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const log = opts.log ?? (() => undefined);
  const root = mkdtempSync(join(tmpdir(), 'amlmonitor-code-server-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const folder = join(root, 'workspace');
  const logFile = join(root, 'code-server.log');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  mkdirSync(folder);
  for (const [rel, content] of Object.entries(opts.workspaceFiles ?? {})) {
    writeFileSync(join(folder, rel), content);
  }
  const settings = { ...WORKBENCH_SETTINGS, ...emulatorSettings(opts.emulatorUrl), ...opts.extraSettings };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    NODE_EXTRA_CA_CERTS: opts.caPath,
    // code-server must not inherit a password or a proxy from the caller's shell.
    PASSWORD: undefined,
    HASHED_PASSWORD: undefined,
    VSCODE_PROXY_URI: undefined,
  };
  // Its own config file: code-server otherwise writes ~/.config/code-server/config.yaml.
  const config = join(root, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const base = [
    opts.toolchain.codeServerEntry,
    '--config',
    config,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  const out = createWriteStream(logFile);
  const children: ChildProcess[] = [];
  const cleanup = async (): Promise<void> => {
    await Promise.all(children.map((c) => killGroup(c)));
    out.end();
    rmSync(root, { recursive: true, force: true });
  };

  try {
    for (const vsix of [opts.vsix, ...(opts.extraVsix ?? [])]) {
      log(`installing ${vsix}`);
      const install = spawnGroup(opts.toolchain.node24, [...base, '--install-extension', vsix], env, out);
      children.push(install);
      const code = await exited(install, 120_000);
      if (code !== 0)
        throw new Error(`code-server --install-extension ${vsix} exited with ${code}; see ${logFile}`);
    }
    const installed = readdirSync(extensionsDir).filter((d) =>
      d.startsWith('amlmonitor.azureml-endpoint-monitor-'),
    );
    if (installed.length === 0)
      throw new Error(`the extension is not in ${extensionsDir} after --install-extension`);

    const port = opts.port ?? (await freePort());
    const args = [
      ...base,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      folder,
    ];
    const server = spawnGroup(opts.toolchain.node24, args, env, out);
    children.push(server);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, server, 60_000);
    log(`code-server ready at ${url}`);
    return {
      url,
      folderUrl: `${url}/?folder=${encodeURIComponent(folder)}`,
      folder,
      userDataDir,
      logFile,
      saveLogs(dir) {
        mkdirSync(dir, { recursive: true });
        try {
          cpSync(join(userDataDir, 'logs'), join(dir, 'code-server-logs'), { recursive: true });
          cpSync(logFile, join(dir, 'code-server.log'));
        } catch {
          // Logs are a help for diagnosis, not part of the verdict.
        }
      },
      stop: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Its own process group, so that stopping it also stops the extension host and the rest. */
function spawnGroup(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): ChildProcess {
  const child = spawn(cmd, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  return child;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((done, fail) => {
    if (child.exitCode !== null) return done(child.exitCode);
    const timer = setTimeout(
      () => fail(new Error(`process ${child.pid} did not exit within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (c) => {
      clearTimeout(timer);
      done(c ?? 1);
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
  });
}

export async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  await gone;
  clearTimeout(timer);
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`code-server exited with ${server.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms`);
}
