/**
 * The allocator handler (`createAllocatorHandler`, lib/core/allocator/handler.ts) behind a plain
 * `node:http` server: the adapter the local twin and the end-to-end tests use (in AWS, API Gateway
 * maps its HTTP API event onto the same handler). Headers arrive lowercased; repeated ones are joined
 * with `, ` (RFC 9110 §5.3); the query string becomes `query`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AllocatorRequest, AllocatorResponse } from '../core/allocator/handler';

/** A running allocator server. */
export interface AllocatorServer {
  /** `http://<host>:<port>/`: the client's `allocatorUrl`. */
  readonly url: string;
  readonly port: number;
  /** Stop listening and end open connections. */
  close(): Promise<void>;
}

/**
 * Serve `handler` over HTTP.
 * @param options.port - @default a free port
 * @param options.host - @default '127.0.0.1'
 */
export async function startAllocatorServer(
  handler: (req: AllocatorRequest) => Promise<AllocatorResponse>,
  options: { readonly port?: number; readonly host?: string } = {},
): Promise<AllocatorServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const query = Object.fromEntries(new URL(req.url ?? '/', 'http://allocator').searchParams);
    handler({ method: req.method ?? 'GET', headers, query }).then(
      (r) => res.writeHead(r.status, r.headers).end(r.body),
      (e: unknown) =>
        res
          .writeHead(500, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify({ error: e instanceof Error ? e.message : String(e) })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
