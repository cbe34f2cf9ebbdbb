/**
 * HTTP server timeouts the load balancer assumes. The target must keep idle HTTP connections open
 * longer than the load balancer does, or the load balancer reuses one the target just closed and
 * the client gets 502; AWS asks for a keep-alive timeout above the ALB idle timeout
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout).
 * Node's `headersTimeout` must exceed `keepAliveTimeout`, or Node cuts a reused connection whose
 * next request headers arrive late (https://nodejs.org/api/http.html#serverheaderstimeout).
 */
import type { Server } from 'node:http';
import type { WebSocketRuntime } from './runtime';

/** Milliseconds `headersTimeout` exceeds `keepAliveTimeout`. */
export const HEADERS_TIMEOUT_MARGIN_MS = 1000;

/**
 * Set `keepAliveTimeout` to the runtime's keep-alive timeout (env `WST_KEEP_ALIVE_TIMEOUT_SECONDS`,
 * which the tier writes as the path's idle timeout + 5 s; default 125 s) and `headersTimeout` 1 s
 * above it. Upgraded WebSocket connections are not affected (Node stops HTTP timers on upgrade).
 * @returns the server
 */
export function applyServerTimeouts<S extends Pick<Server, 'keepAliveTimeout' | 'headersTimeout'>>(
  server: S,
  runtime: Pick<WebSocketRuntime, 'keepAliveTimeoutMs'>,
): S {
  server.keepAliveTimeout = runtime.keepAliveTimeoutMs;
  server.headersTimeout = runtime.keepAliveTimeoutMs + HEADERS_TIMEOUT_MARGIN_MS;
  return server;
}
