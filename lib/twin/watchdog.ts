/**
 * The twin's parent-death watchdog: a small detached `node` process that holds a pipe from the
 * process that started the twin. When that pipe closes for any reason (stop(), a crash, SIGKILL of
 * the CLI, npx or npm killed), it SIGKILLs every process group it was told about and removes every
 * folder it was told about. The twin's children each lead their own process group (`detached`),
 * so the group kill also takes anything they spawned.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** The watchdog program, run with `node -e`; reads `pid <n>` and `dir <path>` lines on stdin. */
const WATCHDOG_SOURCE = `
const fs = require('node:fs');
const pids = new Set(); const dirs = new Set(); let buf = '';
process.stdin.on('data', (c) => {
  buf += c; let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    if (line.startsWith('pid ')) pids.add(Number(line.slice(4)));
    else if (line.startsWith('dir ')) dirs.add(line.slice(4));
  }
});
process.stdin.on('close', () => {
  for (const p of pids) { try { process.kill(-p, 'SIGKILL'); } catch {} try { process.kill(p, 'SIGKILL'); } catch {} }
  for (const d of dirs) { try { fs.rmSync(d, { recursive: true, force: true }); } catch {} }
  process.exit(0);
});
process.on('SIGINT', () => undefined); process.on('SIGTERM', () => undefined); process.on('SIGHUP', () => undefined);
`;

/** A running watchdog. */
export interface Watchdog {
  /** The watchdog's own process (for tests). */
  readonly process: ChildProcess;
  /** Kill this process group when the parent goes away. */
  watchPid(pid: number | undefined): void;
  /** Remove this folder when the parent goes away. */
  watchDir(dir: string): void;
  /** Close the pipe: the watchdog cleans up whatever is left and exits. */
  release(): void;
}

/** Start a watchdog for the current process; it does not keep the event loop alive. */
export function startWatchdog(): Watchdog {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.unref();
  const stdin = child.stdin!;
  (stdin as unknown as { unref?: () => void }).unref?.();
  stdin.on('error', () => undefined);
  let released = false;
  const send = (line: string) => {
    if (!released) stdin.write(`${line}\n`);
  };
  return {
    process: child,
    watchPid: (pid) => pid !== undefined && send(`pid ${pid}`),
    watchDir: (dir) => send(`dir ${dir}`),
    release: () => {
      if (released) return;
      released = true;
      stdin.end();
    },
  };
}
