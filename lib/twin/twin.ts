/**
 * The local twin: real Redis, real HAProxy (configured by `localTwinHaproxyConfig` from the
 * resolved tier) and N real backend processes on loopback. Used by `websocket-tier local` and as a
 * test helper (`startTwin()`), so end-to-end tests exercise the same drain, stickiness and
 * rebalancing paths a deployed cell has.
 *
 * Every wait is bounded (`startTimeoutMs`); `stop()` terminates every child it started.
 * Needs `redis-server` and `haproxy` on PATH (Debian: `apt-get install redis-server haproxy`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVER_ENV } from '../core/server-contract';
import { localTwinHaproxyConfig, type LocalTwinNode, twinBackendName, twinProxyProtocol } from './haproxy-config';
import type { ResolvedCell, ResolvedTier } from '../core/resolved';
import { startWatchdog } from './watchdog';

/** How to start one backend process. */
export interface TwinServerCommand {
  /** Executable. @default process.execPath (node) */
  readonly command?: string;
  /** Arguments, e.g. the server script. */
  readonly args: readonly string[];
  /** Extra environment for every backend. @default - none (the twin's own WST_* variables only) */
  readonly env?: Readonly<Record<string, string>>;
}

/** Options of `startTwin`. */
export interface TwinOptions {
  readonly tier: ResolvedTier;
  /** @default the first cell */
  readonly cellName?: string;
  /** Backends started at once, 1–maxNodes. @default 2 */
  readonly nodes?: number;
  /** Backend slots declared in HAProxy (extra ones start disabled, for `addNode`). @default nodes + 2 */
  readonly maxNodes?: number;
  readonly server: TwinServerCommand;
  /** Progress lines (starting Redis, node n1 healthy, …). @default none */
  readonly onProgress?: (line: string) => void;
  /** Backend stdout/stderr lines, prefixed with the node name. @default dropped */
  readonly onServerOutput?: (node: string, line: string) => void;
  /** Frontend port. @default a free port */
  readonly port?: number;
  /** Bound on every start-up wait, ms. @default 20000 */
  readonly startTimeoutMs?: number;
  /** @default 'redis-server' */
  readonly redisServerPath?: string;
  /** @default 'haproxy' */
  readonly haproxyPath?: string;
  /** Folders to remove with the twin's own (e.g. a bundled server's), on stop() or parent death. @default - none */
  readonly tempDirs?: readonly string[];
}

/** One backend slot. */
export interface TwinNode extends LocalTwinNode {
  /** Declared enabled in HAProxy (serving or drained-but-not-removed). */
  enabled: boolean;
  process?: ChildProcess;
  /** True once started and not yet stopped. */
  running: boolean;
}

/** Health/liveness answer of a backend (the runtime's JSON). */
export interface TwinNodeStatus {
  readonly name: string;
  readonly status: string;
  readonly connections: number;
}

/** A running twin. */
export interface Twin {
  /** `http://127.0.0.1:<port>`: what clients connect to. */
  readonly url: string;
  readonly port: number;
  readonly redisUrl: string;
  readonly cell: ResolvedCell;
  readonly nodes: readonly TwinNode[];
  readonly haproxyConfig: string;
  /**
   * Start the next disabled slot and enable it in HAProxy (scale-out).
   * @param options.env - extra environment for this node only, over `server.env` (e.g. a new build id: a release)
   */
  addNode(options?: { readonly env?: Readonly<Record<string, string>> }): Promise<TwinNode>;
  /**
   * Scale-in of one node, in AWS order: deregister, then SIGTERM (the runtime's paced drain).
   * Deregistering is HAProxy `state maint`: established connections stay, and no new request
   * reaches the node, not even one carrying its stickiness cookie, as a load balancer "stops
   * sending requests to targets that are deregistering"
   * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay).
   * (HAProxy's `state drain` would still route cookie-carrying requests, so resuming clients were
   * refused by the draining node and retried.) Resolves when the process has exited.
   */
  drainNode(name: string, timeoutMs?: number): Promise<void>;
  /** SIGKILL one node (crash); HAProxy finds out by health check and redispatch. */
  killNode(name: string): Promise<void>;
  /** Stop Redis and start it again on the same port (data not kept). */
  restartRedis(downMs?: number): Promise<void>;
  /** Each running node's liveness JSON. */
  status(): Promise<TwinNodeStatus[]>;
  /** A command to the HAProxy runtime API; returns its answer. */
  haproxyCommand(command: string): Promise<string>;
  /** Stop everything this twin started. Idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(what: string, timeoutMs: number, probe: () => Promise<boolean>, failure?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failed = failure?.();
    if (failed) throw new Error(`local twin: ${failed} while waiting for ${what}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`local twin: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * PROXY protocol v2 header with the LOCAL command and no addresses (signature, 0x20, family 0,
 * length 0): what a load balancer's own health check sends, so a server that requires the header
 * answers it (https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt §2.2).
 */
const PROXY_V2_LOCAL = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x20, 0x00, 0x00, 0x00]);

/** GET `url` (loopback), with a PROXY v2 LOCAL header first when the node requires one. */
function httpStatus(url: string, proxyV2 = false): Promise<{ status: number; json?: unknown }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.get(
      {
        host: u.hostname,
        port: Number(u.port),
        path: `${u.pathname}${u.search}`,
        timeout: 2000,
        // A fresh connection per probe; `createConnection` is used only without an agent.
        ...(proxyV2
          ? {
              createConnection: () => {
                const s = net.connect(Number(u.port), u.hostname);
                s.write(PROXY_V2_LOCAL);
                return s;
              },
            }
          : { agent: false }),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode ?? 0 });
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within 2000 ms`)));
    req.on('error', reject);
  });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

function pipeLines(stream: NodeJS.ReadableStream | null, sink: (line: string) => void): void {
  if (!stream) return;
  let buf = '';
  stream.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      sink(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

/**
 * Start Redis, N backends and HAProxy; resolve when every node answers its health check and the
 * frontend accepts connections.
 * @throws Error when a binary is missing or a start-up wait times out (everything started is stopped)
 */
export async function startTwin(options: TwinOptions): Promise<Twin> {
  const progress = options.onProgress ?? (() => undefined);
  const timeout = options.startTimeoutMs ?? 20_000;
  const initial = options.nodes ?? 2;
  const maxNodes = options.maxNodes ?? initial + 2;
  if (!Number.isInteger(initial) || initial < 1 || initial > maxNodes) {
    throw new Error(`nodes is ${initial}; allowed: an integer 1–maxNodes (${maxNodes}). Fix: lower nodes or raise maxNodes.`);
  }
  const cell = options.cellName ? options.tier.cells.find((c) => c.name === options.cellName) : options.tier.cells[0];
  if (!cell)
    throw new Error(
      `cellName is ${JSON.stringify(options.cellName)}; allowed: ${options.tier.cells.map((c) => c.name).join(', ')}. Fix: pick one of those cells.`,
    );
  // Nodes that require a PROXY v2 header (NLB cells with proxy protocol) get a LOCAL one on the twin's own probes.
  const proxyV2 = twinProxyProtocol(cell);
  const redisBin = options.redisServerPath ?? 'redis-server';
  const haproxyBin = options.haproxyPath ?? 'haproxy';
  for (const [bin, pkg] of [
    [redisBin, 'redis-server'],
    [haproxyBin, 'haproxy'],
  ] as const) {
    const r = spawnSync(bin, ['-v'], { stdio: 'ignore' });
    if (r.error) throw new Error(`local twin: ${bin} not found. Fix: install it (Debian: apt-get install -y ${pkg}).`);
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-twin-'));
  const children = new Set<ChildProcess>();
  // Every child leads its own process group (detached), so Ctrl-C in a terminal reaches only this
  // process, which stops them in order; the watchdog kills the groups and removes `dir` if this
  // process dies without stop() (SIGKILL, a crashed test worker, npx killed).
  const watchdog = startWatchdog();
  watchdog.watchDir(dir);
  for (const extra of options.tempDirs ?? []) watchdog.watchDir(extra);
  const track = (child: ChildProcess) => {
    children.add(child);
    watchdog.watchPid(child.pid);
    child.once('exit', () => children.delete(child));
    return child;
  };
  const signalGroup = (c: ChildProcess, signal: NodeJS.Signals) => {
    if (c.pid === undefined) return;
    try {
      process.kill(-c.pid, signal);
    } catch {
      c.kill(signal);
    }
  };
  let stopped = false;
  const killOnExit = () => {
    for (const c of children) signalGroup(c, 'SIGKILL');
    for (const extra of options.tempDirs ?? []) fs.rmSync(extra, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    // SIGINT: the servers, redis-server and haproxy all exit at once on it; SIGKILL whatever is left.
    const all = [...children];
    for (const c of all) signalGroup(c, 'SIGINT');
    await Promise.all(all.map((c) => exited(c, 2000)));
    for (const c of all) if (c.exitCode === null && c.signalCode === null) signalGroup(c, 'SIGKILL');
    await Promise.all(all.map((c) => exited(c, 3000)));
    fs.rmSync(dir, { recursive: true, force: true });
    for (const extra of options.tempDirs ?? []) fs.rmSync(extra, { recursive: true, force: true });
    watchdog.release();
  };

  try {
    // Redis
    const redisPort = await freePort();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    let redis: ChildProcess;
    const startRedis = async () => {
      progress(`starting redis-server on 127.0.0.1:${redisPort}`);
      redis = track(
        spawn(redisBin, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
          stdio: 'ignore',
          detached: true,
        }),
      );
      await until('redis-server to accept connections', timeout, () => canConnect(redisPort));
    };
    await startRedis();

    // Node slots and HAProxy config
    const ports: number[] = [];
    for (let i = 0; i < maxNodes; i++) ports.push(await freePort());
    const nodes: TwinNode[] = ports.map((port, i) => ({ name: `n${i + 1}`, port, enabled: i < initial, running: false }));
    const frontendPort = options.port ?? (await freePort());
    const adminSocketPath = path.join(dir, 'admin.sock');
    const haproxyConfig = localTwinHaproxyConfig(options.tier, { cellName: cell.name, frontendPort, nodes, adminSocketPath });
    const cfgPath = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(cfgPath, haproxyConfig);
    const backend = twinBackendName(cell.name);

    const startNode = async (node: TwinNode, nodeEnv: Readonly<Record<string, string>> = {}) => {
      progress(`starting backend ${node.name} on 127.0.0.1:${node.port}`);
      const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        ...cell.serverEnvironment,
        ...(options.server.env ?? {}),
        ...nodeEnv,
        [SERVER_ENV.port]: String(node.port),
        [SERVER_ENV.healthPort]: String(node.port),
        WST_HOST: '127.0.0.1',
        WST_REDIS_URL: redisUrl,
        WST_NODE_ID: node.name,
      };
      const child = track(
        spawn(options.server.command ?? process.execPath, [...options.server.args], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        }),
      );
      node.process = child;
      node.running = true;
      child.once('exit', () => {
        node.running = false;
      });
      // The last lines a backend printed go into the error when it exits during start-up.
      const tail: string[] = [];
      const sink = (line: string) => {
        tail.push(line);
        if (tail.length > 15) tail.shift();
        options.onServerOutput?.(node.name, line);
      };
      pipeLines(child.stdout, sink);
      pipeLines(child.stderr, sink);
      const healthUrl = `http://127.0.0.1:${node.port}${cell.targetGroup.healthCheck.path}`;
      await until(
        `backend ${node.name} health check ${healthUrl}`,
        timeout,
        async () => (await httpStatus(healthUrl, proxyV2)).status === 200,
        () => (node.running ? undefined : backendExitMessage(node.name, child.exitCode, tail)),
      );
      progress(`backend ${node.name} healthy`);
    };

    const haproxyCommand = (command: string) =>
      new Promise<string>((resolve, reject) => {
        const s = net.connect(adminSocketPath);
        let out = '';
        s.on('data', (d) => (out += d.toString()));
        s.on('end', () => resolve(out.trim()));
        s.on('error', reject);
        s.setTimeout(3000, () => s.destroy(new Error(`HAProxy runtime API timed out on: ${command}`)));
        s.end(`${command}\n`);
      });

    await Promise.all(nodes.filter((n) => n.enabled).map((n) => startNode(n)));
    progress(`starting haproxy on 127.0.0.1:${frontendPort}`);
    const haproxy = track(spawn(haproxyBin, ['-f', cfgPath, '-db'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true }));
    pipeLines(haproxy.stderr, (line) => options.onServerOutput?.('haproxy', line));
    await until(
      'haproxy to accept connections',
      timeout,
      async () => (await httpStatus(`http://127.0.0.1:${frontendPort}${cell.targetGroup.healthCheck.path}`)).status === 200,
      () => (haproxy.exitCode === null ? undefined : `haproxy exited with ${haproxy.exitCode} (config ${cfgPath})`),
    );
    const url = `http://127.0.0.1:${frontendPort}`;
    progress(`local twin ready: ${url} (${initial} backends, redis ${redisUrl})`);

    const twin: Twin = {
      url,
      port: frontendPort,
      redisUrl,
      cell,
      nodes,
      haproxyConfig,
      haproxyCommand,
      async addNode(addOptions) {
        const node = nodes.find((n) => !n.enabled && !n.running);
        if (!node)
          throw new Error(`local twin: every one of the ${maxNodes} backend slots is in use. Fix: start the twin with a larger maxNodes.`);
        node.enabled = true;
        await startNode(node, addOptions?.env);
        await haproxyCommand(`set server ${backend}/${node.name} state ready`);
        // HAProxy re-checks a server leaving maintenance before routing to it; wait until it is UP.
        await until(`haproxy to mark ${node.name} UP`, timeout, async () =>
          /UP/.test(await haproxyCommand(`show servers state ${backend}`).then((s) => serverLine(s, node.name))),
        );
        progress(`backend ${node.name} added`);
        return node;
      },
      async drainNode(name, timeoutMs) {
        const node = nodeByName(nodes, name);
        progress(`draining ${name}: deregistered from haproxy, then SIGTERM`);
        await haproxyCommand(`set server ${backend}/${name} state maint`);
        node.process?.kill('SIGTERM');
        const limit = timeoutMs ?? (cell.drainWindowSeconds + cell.drainGraceSeconds + 10) * 1000;
        if (node.process && !(await exited(node.process, limit)))
          throw new Error(`local twin: ${name} did not exit within ${limit} ms of SIGTERM`);
        node.enabled = false;
        progress(`${name} drained and stopped`);
      },
      async killNode(name) {
        const node = nodeByName(nodes, name);
        progress(`killing ${name} (SIGKILL)`);
        node.process?.kill('SIGKILL');
        if (node.process) await exited(node.process, 5000);
      },
      async restartRedis(downMs = 500) {
        progress('stopping redis-server');
        redis.kill('SIGKILL');
        await exited(redis, 5000);
        await new Promise((r) => setTimeout(r, downMs));
        await startRedis();
      },
      async status() {
        const running = nodes.filter((n) => n.running);
        return Promise.all(
          running.map(async (n) => {
            const r = await httpStatus(`http://127.0.0.1:${n.port}/livez`, proxyV2).catch(() => ({ status: 0, json: undefined }));
            const j = (r.json ?? {}) as { connections?: number };
            const h = await httpStatus(`http://127.0.0.1:${n.port}${cell.targetGroup.healthCheck.path}`, proxyV2).catch(() => ({
              status: 0,
              json: undefined,
            }));
            const hj = (h.json ?? {}) as { status?: string };
            return { name: n.name, status: hj.status ?? 'unreachable', connections: j.connections ?? 0 };
          }),
        );
      },
      stop: async () => {
        progress('stopping local twin');
        await stopAll();
      },
    };
    return twin;
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** Why a backend died during start-up: its last output, and the install command for a missing package. */
function backendExitMessage(name: string, code: number | null, tail: readonly string[]): string {
  const text = tail.join('\n');
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(text)?.[1];
  const pkg =
    missing && !missing.startsWith('.') && !missing.startsWith('/')
      ? missing.startsWith('@')
        ? missing.split('/').slice(0, 2).join('/')
        : missing.split('/')[0]
      : undefined;
  const fix = pkg ? ` Fix: npm i ${pkg} (the server imports it).` : '';
  return `backend ${name} exited (code ${code})${tail.length ? `; its last output:\n  ${tail.join('\n  ')}\n` : '; it printed nothing'}.${fix}`;
}

function nodeByName(nodes: readonly TwinNode[], name: string): TwinNode {
  const n = nodes.find((x) => x.name === name);
  if (!n)
    throw new Error(
      `node is ${JSON.stringify(name)}; allowed: ${nodes.map((x) => x.name).join(', ')}. Fix: use a node name from status().`,
    );
  return n;
}

/** The `show servers state` line of one server, with its operational state spelled out. */
function serverLine(state: string, name: string): string {
  // Columns: be_id be_name srv_id srv_name srv_addr srv_op_state (0 stopped, 1 starting, 2 running, 3 stopping) …
  const line = state.split('\n').find((l) => l.split(' ')[3] === name);
  if (!line) return '';
  const op = line.split(' ')[5];
  return op === '2' ? `${line} UP` : line;
}
