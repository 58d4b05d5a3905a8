// A replay server: answers the client with given exchanges (a contract fixture's example response,
// or a scrubbed recording of real Azure) and records every request the client sends, so a test
// can check both what went out and what the client made of what came back. It speaks HTTPS with a
// certificate made at start, on 127.0.0.1 (ARM) and localhost (Logs), like the emulator.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { makeCertificate } from '../emulator/cert';

export interface ReplayExchange {
  method: string;
  /** A path, or a template with `{name}` segments (`{resourceId}` spans several segments). */
  path: string;
  /** Query parameters that must match when given (a recording's api-version, say). */
  query?: Record<string, string>;
  status: number;
  /** `{base}` in a header value or a body string becomes the server's https://127.0.0.1:<port>. */
  headers?: Record<string, string>;
  body?: unknown;
}

export interface CapturedRequest {
  method: string;
  /** Raw path as sent (no collapsing of slashes). */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** The exchange that answered it, or undefined (the server answered 404). */
  answeredBy?: ReplayExchange;
}

export interface ReplayServer {
  /** https://127.0.0.1:<port> */
  url: string;
  /** https://localhost:<port>/v1 */
  logsUrl: string;
  caPath: string;
  requests: CapturedRequest[];
  /** Answer the next matching requests with these (earlier ones win; each answers once unless `repeat`). */
  serve(exchanges: ReplayExchange[], options?: { repeat?: boolean }): void;
  stop(): Promise<void>;
}

export function templateToRegExp(template: string): RegExp {
  const escaped = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (part === '{resourceId}') return '[^/].*';
      if (/^\{[^}]+\}$/.test(part)) return '[^/]+';
      return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${escaped}$`, 'i');
}

export async function startReplay(): Promise<ReplayServer> {
  const cert = await makeCertificate();
  const queue: { exchange: ReplayExchange; repeat: boolean; used: boolean }[] = [];
  const requests: CapturedRequest[] = [];
  let url = '';

  const answer = (req: IncomingMessage, res: ServerResponse, text: string) => {
    const parsed = new URL(req.url ?? '/', 'https://replay');
    const query = Object.fromEntries(parsed.searchParams.entries());
    let body: unknown = text || undefined;
    try {
      if (text) body = JSON.parse(text) as unknown;
    } catch {
      // keep the text
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([k]) => k !== 'authorization')
        .map(([k, v]) => [k, String(v)]),
    );
    const captured: CapturedRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query,
      headers,
      body,
    };
    requests.push(captured);
    const entry = queue.find(
      (q) =>
        !q.used &&
        q.exchange.method.toUpperCase() === captured.method.toUpperCase() &&
        templateToRegExp(q.exchange.path).test(captured.path) &&
        Object.entries(q.exchange.query ?? {}).every(([k, v]) => query[k] === v),
    );
    if (!entry) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { code: 'NoReplay', message: `Nothing to replay for ${captured.method} ${captured.path}` },
        }),
      );
      return;
    }
    if (!entry.repeat) entry.used = true;
    captured.answeredBy = entry.exchange;
    const extra = Object.fromEntries(
      Object.entries(entry.exchange.headers ?? {}).map(([k, v]) => [
        k.toLowerCase(),
        v.replace('{base}', url),
      ]),
    );
    res.writeHead(entry.exchange.status, { 'content-type': 'application/json; charset=utf-8', ...extra });
    res.end(
      entry.exchange.body === undefined || entry.exchange.body === null
        ? ''
        : JSON.stringify(entry.exchange.body).replaceAll('{base}', url),
    );
  };

  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://127.0.0.1:${port}`;
  return {
    url,
    logsUrl: `https://localhost:${port}/v1`,
    caPath: cert.caPath,
    requests,
    serve(exchanges, options = {}) {
      for (const exchange of exchanges)
        queue.push({ exchange, repeat: options.repeat ?? false, used: false });
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(cert.dir, { recursive: true, force: true });
    },
  };
}
