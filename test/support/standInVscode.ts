// A stand-in for the `vscode` module, so tests can run extension code (session, stream manager,
// tree provider) in plain Node. Each test builds the API surface it needs from these pieces and
// installs it before importing the code under test. The real VS Code runs the same code in e2e.
import Module, { createRequire } from 'node:module';

type Listener<T> = (e: T) => void;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners = [];
  }
}

/** vscode.l10n as VS Code behaves without a bundle: the English text with {n} filled in. */
export const l10n = {
  t: (message: string, ...args: unknown[]) =>
    message.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)])),
};

/** Makes `require('vscode')` (and `import ... from 'vscode'`) answer `api` in this process. */
export function installStandInVscode(api: object): void {
  const internals = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  require.cache.vscode = {
    id: 'vscode',
    filename: 'vscode',
    loaded: true,
    exports: api,
  } as unknown as NodeJS.Module;
}

/**
 * True inside code-server's extension host (the e2e run), where the real `vscode` module answers
 * and a suite written against the stand-in must not replace it.
 */
export function realVscodeAvailable(): boolean {
  try {
    createRequire(__filename)('vscode');
    return true;
  } catch {
    return false;
  }
}
