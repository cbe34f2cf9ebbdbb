/**
 * `websocket-tier local` started the way users start it (`npm run local`, which runs
 * `sh -c "ts-node lib/cli/bin.ts local"`): a stock WebSocket client gets an echo through the URL the
 * banner prints, and when the parent (npm) gets SIGTERM or SIGKILL, nothing is left behind: no
 * redis-server, haproxy, backend or watchdog process, and no temp folder.
 *
 * Linux only (reads /proc); needs redis-server and haproxy on PATH like every twin test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');

/** One process from /proc: pid, parent, state letter and start time (so a reused pid is not mistaken for it). */
interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
  readonly start: string;
  readonly cmdline: string[];
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the `(comm)`, which may itself hold spaces or parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, ppid: Number(rest[1]), state: rest[0], start: rest[19], cmdline };
  } catch {
    return undefined;
  }
}

function allProcs(): Proc[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is Proc => p !== undefined);
}

/** Every live descendant of `root` (not `root` itself). */
function descendants(root: number): Proc[] {
  const procs = allProcs();
  const out: Proc[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const p of procs) {
      if (p.ppid === parent) {
        out.push(p);
        frontier.push(p.pid);
      }
    }
  }
  return out;
}

/** Still running: same pid and start time, and not a zombie. */
function alive(p: Proc): boolean {
  const now = readProc(p.pid);
  return now !== undefined && now.start === p.start && now.state !== 'Z' && now.state !== 'X';
}

/** Resolve when `predicate` holds (checked every 100 ms); reject after `ms` with `describe()` in the message. */
async function until(ms: number, predicate: () => boolean, describe: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Started {
  readonly parent: ChildProcess;
  readonly output: () => string;
  /** The URL in the banner's `Try: npx wscat -c <url>` line. */
  readonly wsUrl: string;
}

/** `npm run local -- --nodes 2`, resolved when the banner's last line is printed (an event, not a sleep). */
function startViaNpm(): Promise<Started> {
  const parent = spawn('npm', ['run', '--silent', 'local', '--', '--nodes', '2'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  let out = '';
  const output = () => out;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready banner within 90 s; output:\n${out}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /Try: npx wscat -c (ws:\/\/\S+)/.exec(out)?.[1];
      if (url && /connect clients to /.test(out)) {
        clearTimeout(timer);
        resolve({ parent, output, wsUrl: url });
      }
    };
    parent.stdout!.on('data', onData);
    parent.stderr!.on('data', onData);
    parent.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`npm run local exited (${code ?? signal}) before the banner; output:\n${out}`));
    });
  });
}

/** The twin's temp folders, read from the running processes' command lines (redis `--dir`, haproxy `-f`, the bundled backend). */
function tempFolders(procs: readonly Proc[]): string[] {
  const dirs = new Set<string>();
  for (const p of procs) {
    const dirArg = p.cmdline.indexOf('--dir');
    if (dirArg >= 0) dirs.add(p.cmdline[dirArg + 1]);
    for (const arg of p.cmdline) {
      const m = /^(.*\/wst-(?:twin|server)-[^/]+)\//.exec(arg);
      if (m) dirs.add(m[1]);
    }
  }
  return [...dirs];
}

function summary(procs: readonly Proc[]): string {
  return procs.map((p) => `${p.pid} ${p.cmdline.join(' ').slice(0, 120)}`).join('\n  ');
}

async function expectNothingLeftBehind(started: Started, signal: NodeJS.Signals): Promise<void> {
  const tree = descendants(started.parent.pid!);
  const named = (re: RegExp) => tree.filter((p) => re.test(p.cmdline.join(' ')));
  // What is about to be checked is really there: Redis, HAProxy, two backends and the watchdog.
  expect(named(/redis-server/)).toHaveLength(1);
  expect(named(/^haproxy /)).toHaveLength(1);
  expect(named(/wst-server-[^/]+\/server\.js/)).toHaveLength(2);
  expect(named(/pids = new Set/)).toHaveLength(1);
  const folders = tempFolders(tree);
  expect(folders.length).toBeGreaterThanOrEqual(2);
  for (const f of folders) expect(fs.existsSync(f)).toBe(true);

  started.parent.kill(signal);
  // A failing run must not leave strays for the next test either.
  afterThisTest.push(() => {
    for (const p of tree.filter(alive)) process.kill(p.pid, 'SIGKILL');
  });
  await until(
    30_000,
    () => tree.every((p) => !alive(p)),
    () => `still running after ${signal} to npm:\n  ${summary(tree.filter(alive))}\noutput:\n${started.output()}`,
  );
  await until(
    10_000,
    () => folders.every((f) => !fs.existsSync(f)),
    () => `temp folders left: ${folders.filter((f) => fs.existsSync(f)).join(', ')}`,
  );
}

const afterThisTest: (() => void)[] = [];
afterEach(() => {
  for (const f of afterThisTest.splice(0)) f();
});

describeLinux('websocket-tier local via npm run', () => {
  test('a stock WebSocket client (the ws package) gets an echo at the banner URL; SIGTERM to npm leaves nothing behind', async () => {
    const started = await startViaNpm();
    try {
      // wscat is not installed here; the `ws` package's client is the stand-in stock client.
      const socket = new WebSocket(started.wsUrl);
      const echoed = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no echo within 10 s')), 10_000);
        socket.once('open', () => socket.send('hello twin'));
        socket.once('message', (data) => {
          clearTimeout(timer);
          resolve(data.toString());
        });
        socket.once('error', reject);
      });
      expect(echoed).toBe('hello twin');
      socket.close();
      await expectNothingLeftBehind(started, 'SIGTERM');
    } finally {
      started.parent.kill('SIGKILL');
    }
  });

  test('SIGKILL to npm leaves nothing behind', async () => {
    const started = await startViaNpm();
    try {
      await expectNothingLeftBehind(started, 'SIGKILL');
    } finally {
      started.parent.kill('SIGKILL');
    }
  });
});

function describeLinux(name: string, fn: () => void): void {
  (process.platform === 'linux' ? describe : describe.skip)(name, fn);
}
