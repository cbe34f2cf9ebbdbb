/**
 * Closes two gaps in socket.io 4's connection state recovery (https://socket.io/docs/v4/connection-state-recovery)
 * when a cluster adapter that stores sessions (the Redis Streams adapter) resumes a session on a node:
 *
 * 1. **Lost packets.** The adapter's `restoreSession()` reads the missed packets from the stream with
 *    its last `XRANGE`, but the resumed socket receives local broadcasts only once the namespace has
 *    added it to `nsp.sockets` (in `_doConnect`, after middlewares and a `process.nextTick`). A
 *    broadcast delivered to the node's sockets in between (one published on this node, whose `XADD`
 *    reply arrives with the `XRANGE` reply, or one the adapter's poller reads from another node) is in
 *    neither set and never reaches the client. Seen in this project's twin: 2 of 3 drains of 60
 *    clients at 10 messages/s lost one message each, always one sent within 20 ms of the reconnect.
 * 2. **Duplicated packets.** An entry the `XRANGE` already replayed can also arrive through the
 *    adapter's poller after the socket joined, and is then delivered twice.
 *
 * The guard records every local broadcast while a restore is in flight and, when the resumed socket
 * connects, sends the ones it matches (rooms, `except`) that were not among its missed packets, in
 * stream order; for the next 30 s it drops live packets at or before the last offset it replayed
 * (the socket already got them). Offsets are the stream entry ids the adapter appends to each recoverable event
 * packet (`<ms>-<seq>`), so the check is exact. Packets with an acknowledgement or the volatile flag
 * carry no offset and are neither recorded nor deduplicated (socket.io does not recover them either).
 *
 * 3. **Sessions lost in a crash.** socket.io persists a session only when the socket closes
 *    (`Socket._onclose`, for the recoverable reasons), so a node killed by SIGKILL, the OOM killer
 *    or a kernel panic has persisted none, and its clients start new sessions (measured here: 0 of 100
 *    resumed, every delivery sent while they were away lost). With `eagerPersistence` (the default
 *    for an adapter that stores sessions outside the process, like the Redis Streams adapter) the
 *    guard persists each session through the adapter's own `persistSession()` when it connects,
 *    again after it joins or leaves a room, and every `maxDisconnectionDuration / 2` while it stays
 *    connected; after a non-recoverable disconnect (the client or the server ended the session) it
 *    removes the record, so a kicked client cannot resume it. The client's offset needs no storing:
 *    the client sends it, and the missed packets are in the stream.
 *
 * `attachSocketIoServer()` installs it when the server has `connectionStateRecovery` on.
 */
import type { Namespace, Server, Socket } from 'socket.io';

/** Stream entry id as the Redis Streams adapter appends it to recoverable packets. */
const OFFSET = /^(\d+)-(\d+)$/;

/** How long a finished restore waits for its socket's `connection`, and how long live duplicates are dropped after it, ms. */
const PENDING_TTL_MS = 30_000;

interface BroadcastOptions {
  readonly rooms: Set<string>;
  readonly except?: Set<string>;
  readonly flags?: { readonly volatile?: boolean };
}

interface Packet {
  readonly type: number;
  readonly id?: number;
  readonly data?: unknown[];
}

interface Recorded {
  readonly packet: Packet;
  readonly opts: BroadcastOptions;
  readonly offset: string;
}

interface Pending {
  readonly recorded: Recorded[];
  /** Set when the restore resolved: the session's rooms and the last offset it replayed. */
  session?: { readonly rooms: ReadonlySet<string>; readonly lastOffset: string };
  timer?: ReturnType<typeof setTimeout>;
}

/** The adapter methods the guard wraps on the instance (socket.io-adapter calls them through `this`). */
interface GuardedAdapter {
  restoreSession(pid: string, offset: string): Promise<RestoredSession | null | undefined>;
  persistSession(session: PersistedSession): void;
  _encode(packet: Packet, packetOpts: unknown): unknown;
  apply(opts: BroadcastOptions, callback: (socket: Socket) => void): void;
  addAll(id: string, rooms: Set<string>): unknown;
  del(id: string, room: string): unknown;
}

/** What socket.io's `Socket._onclose` hands to `persistSession()`. */
interface PersistedSession {
  readonly sid: string;
  readonly pid: string;
  readonly rooms: string[];
  readonly data: unknown;
}

/**
 * The disconnect reasons after which socket.io persists a session (socket.io 4.8
 * `RECOVERABLE_DISCONNECT_REASONS`); after any other the session ends.
 * https://socket.io/docs/v4/connection-state-recovery
 */
const RECOVERABLE_DISCONNECT_REASONS: ReadonlySet<string> = new Set([
  'transport error',
  'transport close',
  'forced close',
  'ping timeout',
  'server shutting down',
  'forced server close',
]);

/** A stream offset no entry has (`XRANGE` ids start at `0-1`): restoring from it only removes the session record. */
const NO_OFFSET = '0-0';

/** Options of {@link guardConnectionStateRecovery} and {@link guardServerConnectionStateRecovery}. */
export interface ConnectionStateRecoveryGuardOptions {
  /**
   * Persist every connected session eagerly (on connect, on each room change, and every
   * `refreshIntervalMs`), so its clients can resume it on another node after this process dies
   * without closing its sockets. `'auto'`: on when the adapter stores sessions outside the process
   * (not the in-memory adapter, whose sessions die with the process anyway).
   * @default 'auto'
   */
  readonly eagerPersistence?: boolean | 'auto';
  /**
   * How often a connected session's record is written again, ms (its TTL is the server's
   * `connectionStateRecovery.maxDisconnectionDuration`; after a crash a session stays resumable
   * for between TTL − interval and TTL). Range 1,000–2,147,483,647.
   * @default half of `maxDisconnectionDuration` (socket.io's default: 2 min, so 60,000)
   */
  readonly refreshIntervalMs?: number;
}

/** socket.io's default `maxDisconnectionDuration`, ms. https://socket.io/docs/v4/server-options/#connectionstaterecovery */
const DEFAULT_MAX_DISCONNECTION_MS = 2 * 60 * 1000;

/**
 * The Redis Streams adapter writes sessions with `redisClient.set()` and drops the promise
 * (`persistSession()` returns nothing). node-redis rejects a command that was in flight when the
 * Redis connection broke, so an eagerly written session during a Redis restart would become an
 * unhandled rejection, which ends a Node process. Wrap the adapter's `SET` helper (looked up through
 * its module exports on every call) so its rejections are handled; the session is written again on
 * the next refresh. Returns false when the module is not loaded as its own CommonJS module (bundled).
 */
function handleAdapterSetRejections(): boolean {
  const cache = typeof require === 'function' ? require.cache : undefined;
  if (!cache) return false;
  let found = false;
  for (const [file, mod] of Object.entries(cache)) {
    if (!/[\\/]@socket\.io[\\/]redis-streams-adapter[\\/]dist[\\/]util\.js$/.test(file)) continue;
    const util = mod?.exports as { SET?: ((...args: unknown[]) => unknown) & { __wstHandled?: true } } | undefined;
    if (typeof util?.SET !== 'function') continue;
    found = true;
    if (util.SET.__wstHandled) continue;
    const set = util.SET;
    const handled = Object.assign(
      (...args: unknown[]) => {
        const p = set(...args);
        if (p && typeof (p as Promise<unknown>).catch === 'function') (p as Promise<unknown>).catch(() => undefined);
        return p;
      },
      { __wstHandled: true as const },
    );
    util.SET = handled;
  }
  return found;
}

interface RestoredSession {
  readonly sid: string;
  readonly pid: string;
  readonly rooms: readonly string[];
  readonly missedPackets: readonly unknown[][];
}

/** Compare two stream ids numerically (`1700000000000-2` < `1700000000000-10`). */
export function compareStreamOffsets(a: string, b: string): number {
  const x = OFFSET.exec(a);
  const y = OFFSET.exec(b);
  if (!x || !y) throw new Error(`not stream offsets: ${a}, ${b}`);
  const ms = BigInt(x[1]) - BigInt(y[1]);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(x[2]) - BigInt(y[2]);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

function offsetOf(packet: Packet | undefined): string | undefined {
  const last = packet?.data?.[packet.data.length - 1];
  return packet && packet.type === 2 && packet.id === undefined && typeof last === 'string' && OFFSET.test(last) ? last : undefined;
}

function reaches(opts: BroadcastOptions, rooms: ReadonlySet<string>, sid: string): boolean {
  const inRooms = opts.rooms.size === 0 || [...opts.rooms].some((r) => rooms.has(r));
  const excluded = [...(opts.except ?? [])].some((r) => r === sid || rooms.has(r));
  return inRooms && !excluded;
}

/**
 * Install the guard on one namespace's adapter. Idempotent. A no-op for adapters without
 * `restoreSession` (the in-memory adapter, which cannot resume on another node).
 * @returns a function that removes it
 */
export function guardConnectionStateRecovery(nsp: Namespace, options: ConnectionStateRecoveryGuardOptions = {}): () => void {
  const adapter = nsp.adapter as unknown as GuardedAdapter & { __wstRecoveryGuard?: () => void };
  if (adapter.__wstRecoveryGuard) return adapter.__wstRecoveryGuard;
  if (typeof adapter.restoreSession !== 'function') return () => undefined;
  const eager = eagerPersistenceFor(nsp, adapter, options);

  const pending = new Map<string, Pending>();
  /** Resumed sockets (by sid): live packets up to `offset` were already replayed; kept until `until` (ms epoch). */
  const replayedUpTo = new Map<string, { readonly offset: string; readonly until: number }>();
  let encoding: Packet | undefined;

  const { restoreSession, _encode, apply } = adapter;

  adapter.restoreSession = async function (pid, offset) {
    const entry: Pending = { recorded: [] };
    pending.set(pid, entry);
    let session: RestoredSession | null | undefined;
    try {
      session = await restoreSession.call(this, pid, offset);
    } catch (e) {
      if (pending.get(pid) === entry) pending.delete(pid);
      throw e;
    }
    if (!session) {
      if (pending.get(pid) === entry) pending.delete(pid);
      return session;
    }
    const missed = session.missedPackets;
    const lastMissed = missed.length ? missed[missed.length - 1][missed[missed.length - 1].length - 1] : undefined;
    entry.session = { rooms: new Set(session.rooms), lastOffset: typeof lastMissed === 'string' ? lastMissed : offset };
    entry.timer = setTimeout(() => pending.get(pid) === entry && pending.delete(pid), PENDING_TTL_MS);
    entry.timer.unref?.();
    return session;
  };

  // Adapter.broadcast() encodes the packet, then applies the write to every matching socket.
  adapter._encode = function (packet, packetOpts) {
    encoding = packet;
    return _encode.call(this, packet, packetOpts);
  };

  adapter.apply = function (opts, callback) {
    const packet = encoding;
    encoding = undefined;
    const offset = offsetOf(packet);
    if (!offset || !packet) return apply.call(this, opts, callback);
    for (const p of pending.values()) p.recorded.push({ packet, opts, offset });
    if (replayedUpTo.size === 0) return apply.call(this, opts, callback);
    const now = Date.now();
    return apply.call(this, opts, (socket) => {
      const upTo = replayedUpTo.get(socket.id);
      if (upTo !== undefined) {
        if (now > upTo.until) replayedUpTo.delete(socket.id);
        else if (compareStreamOffsets(offset, upTo.offset) <= 0) return;
      }
      callback(socket);
    });
  };

  const onConnection = (socket: Socket) => {
    if (!socket.recovered) return;
    const pid = (socket as unknown as { pid: string }).pid;
    const entry = pending.get(pid);
    if (!entry?.session) return;
    pending.delete(pid);
    if (entry.timer) clearTimeout(entry.timer);
    const { rooms, lastOffset } = entry.session;
    let upTo = lastOffset;
    const seen = new Set<string>();
    const replay = entry.recorded
      .filter((r) => compareStreamOffsets(r.offset, lastOffset) > 0 && reaches(r.opts, rooms, socket.id))
      .sort((a, b) => compareStreamOffsets(a.offset, b.offset));
    for (const r of replay) {
      if (seen.has(r.offset)) continue;
      seen.add(r.offset);
      (socket as unknown as { packet(p: Packet): void }).packet({ type: 2, data: r.packet.data });
      upTo = r.offset;
    }
    replayedUpTo.set(socket.id, { offset: upTo, until: Date.now() + PENDING_TTL_MS });
    socket.once('disconnect', () => replayedUpTo.delete(socket.id));
  };
  nsp.on('connection', onConnection);
  const stopEager = eager ? persistEagerly(nsp, adapter, restoreSession, eager.refreshIntervalMs) : () => undefined;

  const remove = () => {
    stopEager();
    adapter.restoreSession = restoreSession;
    adapter._encode = _encode;
    adapter.apply = apply;
    nsp.off('connection', onConnection);
    for (const p of pending.values()) if (p.timer) clearTimeout(p.timer);
    pending.clear();
    replayedUpTo.clear();
    delete adapter.__wstRecoveryGuard;
  };
  adapter.__wstRecoveryGuard = remove;
  return remove;
}

function maxDisconnectionMs(nsp: Namespace): number {
  const csr = (nsp.server as unknown as { opts?: { connectionStateRecovery?: { maxDisconnectionDuration?: number } } }).opts
    ?.connectionStateRecovery;
  const ms = csr?.maxDisconnectionDuration;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_MAX_DISCONNECTION_MS;
}

/** Whether (and how often) to persist eagerly on this namespace's adapter; undefined: not at all. */
function eagerPersistenceFor(
  nsp: Namespace,
  adapter: GuardedAdapter,
  options: ConnectionStateRecoveryGuardOptions,
): { refreshIntervalMs: number } | undefined {
  const mode = options.eagerPersistence ?? 'auto';
  if (mode !== true && mode !== 'auto' && mode !== false) {
    throw new Error(`eagerPersistence is ${JSON.stringify(mode)}; allowed: true, false, 'auto'. Fix: pass one of them or leave it out.`);
  }
  const refresh = options.refreshIntervalMs ?? Math.max(1000, Math.floor(maxDisconnectionMs(nsp) / 2));
  if (!Number.isInteger(refresh) || refresh < 1000 || refresh > 2_147_483_647) {
    throw new Error(
      `refreshIntervalMs is ${String(refresh)}; allowed: an integer 1000–2147483647 (ms). Fix: pass one in range or leave it out.`,
    );
  }
  if (mode === false || typeof adapter.persistSession !== 'function') return undefined;
  // socket.io-adapter's in-memory SessionAwareAdapter keeps `sessions` (Map) and `packets` (array) in the process.
  const inMemory =
    (adapter as unknown as { sessions?: unknown }).sessions instanceof Map &&
    Array.isArray((adapter as unknown as { packets?: unknown }).packets);
  if (mode === 'auto' && inMemory) return undefined;
  handleAdapterSetRejections();
  return { refreshIntervalMs: refresh };
}

/**
 * Persist the sessions of `nsp`'s connected sockets through the adapter: on connect, after room
 * changes (batched per event-loop turn), every `refreshMs`; remove a session's record after a
 * disconnect socket.io does not persist for (`restoreSession` from an offset no entry has takes and
 * deletes the record and then finds no offset).
 */
function persistEagerly(
  nsp: Namespace,
  adapter: GuardedAdapter,
  restoreSession: GuardedAdapter['restoreSession'],
  refreshMs: number,
): () => void {
  const dirty = new Set<string>();
  let flushing: ReturnType<typeof setImmediate> | undefined;
  const persist = (socket: Socket) => {
    const pid = (socket as unknown as { pid?: string }).pid;
    if (!socket.connected || typeof pid !== 'string') return;
    adapter.persistSession({ sid: socket.id, pid, rooms: [...socket.rooms], data: socket.data });
  };
  const flush = () => {
    flushing = undefined;
    for (const sid of dirty) {
      const socket = nsp.sockets.get(sid);
      if (socket) persist(socket);
    }
    dirty.clear();
  };
  const touch = (sid: string) => {
    dirty.add(sid);
    flushing ??= setImmediate(flush);
  };

  const { addAll, del } = adapter;
  adapter.addAll = function (id, rooms) {
    const r = addAll.call(this, id, rooms);
    if (nsp.sockets.has(id)) touch(id);
    return r;
  };
  adapter.del = function (id, room) {
    const r = del.call(this, id, room);
    if (nsp.sockets.get(id)?.connected) touch(id);
    return r;
  };

  const onConnection = (socket: Socket) => {
    touch(socket.id);
    socket.once('disconnect', (reason: string) => {
      dirty.delete(socket.id);
      const pid = (socket as unknown as { pid?: string }).pid;
      if (RECOVERABLE_DISCONNECT_REASONS.has(reason) || typeof pid !== 'string') return;
      void Promise.resolve()
        .then(() => restoreSession.call(adapter, pid, NO_OFFSET))
        .catch(() => undefined);
    });
  };
  nsp.on('connection', onConnection);
  const refresher = setInterval(() => {
    for (const socket of nsp.sockets.values()) persist(socket);
  }, refreshMs);
  refresher.unref?.();

  return () => {
    clearInterval(refresher);
    if (flushing) clearImmediate(flushing);
    dirty.clear();
    adapter.addAll = addAll;
    adapter.del = del;
    nsp.off('connection', onConnection);
  };
}

/** Install the guard on every namespace of a server with connection state recovery, now and later. */
export function guardServerConnectionStateRecovery(io: Server, options: ConnectionStateRecoveryGuardOptions = {}): () => void {
  if (!(io as unknown as { opts?: { connectionStateRecovery?: unknown } }).opts?.connectionStateRecovery) return () => undefined;
  const removers: (() => void)[] = [];
  const nsps = (io as unknown as { _nsps: Map<string, Namespace> })._nsps;
  for (const nsp of nsps.values()) removers.push(guardConnectionStateRecovery(nsp, options));
  const onNew = (nsp: Namespace) => removers.push(guardConnectionStateRecovery(nsp, options));
  io.on('new_namespace', onNew);
  return () => {
    io.off('new_namespace', onNew);
    for (const r of removers) r();
  };
}
