/**
 * A thin reconnecting wrapper around the standard `WebSocket` constructor (the browser's, Node 22's
 * global, or `ws`): the same wire protocol, plus the `ReconnectPolicy` (full jitter, close codes,
 * retry hint, minimum uptime). It adds no framing and no message queue: `send()` while
 * disconnected returns false, and the application resynchronises on `open`.
 *
 * With `allocatorUrl`, every connect and reconnect (after 1001, 1012, 1013 or a lost connection)
 * first asks the tier's endpoint allocator (`allocator.ts`) and dials the cell URL it returns (with
 * its ticket); a 503 "every cell is full" waits its `retryAfterSeconds` plus the policy's jitter, as a
 * 1013 with that hint would; an unreachable allocator falls back to `url` (the tier's DNS name).
 */
import { type Allocation, type FetchLike, requestAllocation } from './allocator';
import { CLOSE_CODES, type CloseInfo, ReconnectPolicy, type ReconnectPolicyOptions } from './backoff';

/** The subset of the WHATWG WebSocket the wrapper uses (browser `WebSocket` and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor (`globalThis.WebSocket`, or `ws`'s `WebSocket`). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Options of `ReconnectingWebSocket`. */
export interface ReconnectingWebSocketOptions extends ReconnectPolicyOptions {
  /** @default globalThis.WebSocket (throws if absent: pass `ws`'s `WebSocket` on Node 20) */
  readonly WebSocket?: WebSocketConstructor;
  /** WebSocket subprotocols offered on every (re)connect. @default - none */
  readonly protocols?: string | string[];
  /** Uniform [0, 1) source. @default Math.random */
  readonly random?: () => number;
  /**
   * The tier's endpoint allocator (`https://alloc.<domainName>/`), asked before every attempt; `url`
   * is then the fallback used when it is unreachable.
   * @default - none: always dial `url`
   */
  readonly allocatorUrl?: string;
  /** Give up on the allocator after this many ms and fall back to `url`. @default 3000 */
  readonly allocatorTimeoutMs?: number;
  /** `fetch` for the allocator. @default globalThis.fetch */
  readonly fetch?: FetchLike;
}

type Listener<A extends unknown[]> = (...args: A) => void;
interface Events {
  open: [];
  message: [data: unknown];
  close: [info: CloseInfo];
  /** A reconnect is scheduled after `delayMs`. */
  reconnecting: [delayMs: number, info: CloseInfo];
  /** The policy gave up (terminal close code or too many attempts). */
  stopped: [info: CloseInfo];
  /** The allocator answered (a cell, or every cell full). */
  allocated: [allocation: Allocation];
  /** The allocator was unreachable: dialing `url` (the DNS name) instead. */
  fallback: [error: string];
}

const OPEN = 1;

/** A WebSocket that reconnects by the tier's policy. */
export class ReconnectingWebSocket {
  readonly policy: ReconnectPolicy;
  private readonly ctor: WebSocketConstructor;
  private socket?: WebSocketLike;
  private timer?: ReturnType<typeof setTimeout>;
  private closedByUser = false;
  private readonly listeners: { [K in keyof Events]: Listener<Events[K]>[] } = {
    open: [],
    message: [],
    close: [],
    reconnecting: [],
    stopped: [],
    allocated: [],
    fallback: [],
  };

  /**
   * @param url - the URL, or a function returning it (called before every attempt)
   * @throws Error when no WebSocket constructor is available
   */
  constructor(
    private readonly url: string | (() => string),
    private readonly options: ReconnectingWebSocketOptions = {},
  ) {
    const ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!ctor) throw new Error('No WebSocket constructor: pass options.WebSocket (e.g. `WebSocket` from the ws package on Node 20).');
    this.ctor = ctor;
    this.policy = new ReconnectPolicy(options, options.random);
    this.connect();
  }

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    (this.listeners[event] as Listener<Events[K]>[]).push(listener);
    return this;
  }

  private emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const l of this.listeners[event] as Listener<Events[K]>[]) l(...args);
  }

  /** True while the current socket is open. */
  get connected(): boolean {
    return this.socket?.readyState === OPEN;
  }

  /** Send on the open socket. @returns false (and sends nothing) while disconnected */
  send(data: string | ArrayBufferLike | ArrayBufferView): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(data);
    return true;
  }

  /** Close for good (no reconnect). */
  close(code = 1000, reason?: string): void {
    this.closedByUser = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(code, reason);
  }

  private connect(): void {
    if (this.closedByUser) return;
    const allocatorUrl = this.options.allocatorUrl;
    if (allocatorUrl === undefined) {
      this.dial(this.fallbackUrl());
      return;
    }
    void requestAllocation(allocatorUrl, { fetch: this.options.fetch, timeoutMs: this.options.allocatorTimeoutMs }).then((a) => {
      if (this.closedByUser) return;
      if (a.kind === 'unreachable') {
        this.emit('fallback', a.error);
        this.dial(this.fallbackUrl());
        return;
      }
      this.emit('allocated', a);
      if (a.kind === 'cell') this.dial(a.url);
      else this.retry({ code: CLOSE_CODES.tryAgainLater, reason: JSON.stringify({ retryAfterMs: a.retryAfterMs, why: 'full' }) });
    });
  }

  private fallbackUrl(): string {
    return typeof this.url === 'function' ? this.url() : this.url;
  }

  /** Schedule the next attempt by the policy, or stop. */
  private retry(info: CloseInfo): void {
    const delay = this.policy.next(info);
    if (delay === undefined) {
      this.emit('stopped', info);
      return;
    }
    this.emit('reconnecting', delay, info);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private dial(url: string): void {
    const ws = new this.ctor(url, this.options.protocols);
    this.socket = ws;
    ws.onopen = () => {
      this.policy.opened();
      this.emit('open');
    };
    ws.onmessage = (ev) => this.emit('message', ev.data);
    ws.onerror = () => undefined; // a close event follows
    ws.onclose = (ev) => {
      const info: CloseInfo = { code: ev.code, reason: ev.reason };
      this.emit('close', info);
      if (this.closedByUser) return;
      this.retry(info);
    };
  }
}
