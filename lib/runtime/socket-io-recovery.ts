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
  _encode(packet: Packet, packetOpts: unknown): unknown;
  apply(opts: BroadcastOptions, callback: (socket: Socket) => void): void;
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
export function guardConnectionStateRecovery(nsp: Namespace): () => void {
  const adapter = nsp.adapter as unknown as GuardedAdapter & { __wstRecoveryGuard?: () => void };
  if (adapter.__wstRecoveryGuard) return adapter.__wstRecoveryGuard;
  if (typeof adapter.restoreSession !== 'function') return () => undefined;

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

  const remove = () => {
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

/** Install the guard on every namespace of a server with connection state recovery, now and later. */
export function guardServerConnectionStateRecovery(io: Server): () => void {
  if (!(io as unknown as { opts?: { connectionStateRecovery?: unknown } }).opts?.connectionStateRecovery) return () => undefined;
  const removers: (() => void)[] = [];
  const nsps = (io as unknown as { _nsps: Map<string, Namespace> })._nsps;
  for (const nsp of nsps.values()) removers.push(guardConnectionStateRecovery(nsp));
  const onNew = (nsp: Namespace) => removers.push(guardConnectionStateRecovery(nsp));
  io.on('new_namespace', onNew);
  return () => {
    io.off('new_namespace', onNew);
    for (const r of removers) r();
  };
}
