/**
 * Small network helpers for tests that run real processes on loopback. Every wait is bounded.
 */
import * as http from 'node:http';

export { freePort } from '../../lib/twin/twin';

/** Settle with `promise`, or reject after `ms` naming what was awaited. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** GET http://127.0.0.1:<port><urlPath> without keep-alive, bounded to 5 s. */
export function httpGet(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return within(
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    }),
    5000,
    `GET ${urlPath}`,
  );
}
