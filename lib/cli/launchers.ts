/**
 * The processes that launched this one, so `websocket-tier local` can stop when any of them dies.
 *
 * `npm run local` runs `npm → sh -c "ts-node … local" → node`, and `npx websocket-tier local` runs
 * `npx → sh -c "websocket-tier local" → node`. When npm or npx is SIGKILLed, the `sh -c` in between
 * stays alive, so this process keeps its parent and polling `process.ppid` never notices. The
 * launcher chain is therefore the parent plus, past every `sh -c` wrapper, that wrapper's parent;
 * it stops at the first process that is not a `-c` shell (npm, npx, a terminal's shell, a test runner).
 *
 * Linux reads /proc; other Unix systems ask `ps`; where neither answers, the chain is the parent alone.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One process as seen at start: its pid and an identity that a reused pid does not share. */
export interface Launcher {
  readonly pid: number;
  /** The command line, for messages. */
  readonly command: string;
  /** Linux: the start time in clock ticks (field 22 of /proc/<pid>/stat); elsewhere undefined. */
  readonly startTime?: string;
}

interface ProcInfo {
  readonly ppid: number;
  readonly argv: readonly string[];
  readonly startTime?: string;
  readonly zombie: boolean;
}

function procInfo(pid: number): ProcInfo | undefined {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The fields after `(comm)`; comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      return { ppid: Number(fields[1]), argv, startTime: fields[19], zombie: fields[0] === 'Z' || fields[0] === 'X' };
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'win32') return undefined;
  try {
    const line = execFileSync('ps', ['-o', 'ppid=,stat=,command=', '-p', String(pid)], { encoding: 'utf8', timeout: 2000 }).trim();
    const m = /^(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) return undefined;
    return { ppid: Number(m[1]), argv: m[3].split(/\s+/), zombie: m[2].startsWith('Z') };
  } catch {
    return undefined;
  }
}

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'ksh', 'mksh']);

/** A non-interactive `sh -c "…"` wrapper (what npm, npx and many runners put in between). */
function isShellWrapper(argv: readonly string[]): boolean {
  return argv.length >= 2 && SHELLS.has(path.basename(argv[0]).replace(/^-/, '')) && argv.slice(1).some((a) => /^-\w*c\w*$/.test(a));
}

/**
 * The launcher chain of `pid`: its parent, then past each `sh -c` wrapper that wrapper's parent.
 * @param pid - @default process.pid
 * @returns nearest first; `[{ pid: ppid }]` alone when the process table cannot be read
 */
export function launcherChain(pid: number = process.pid): Launcher[] {
  const self = procInfo(pid);
  if (!self) return [{ pid: process.ppid, command: 'parent process' }];
  const chain: Launcher[] = [];
  let ppid = self.ppid;
  for (let depth = 0; depth < 8 && ppid > 1; depth++) {
    const p = procInfo(ppid);
    if (!p) break;
    chain.push({ pid: ppid, command: p.argv.join(' '), startTime: p.startTime });
    if (!isShellWrapper(p.argv)) break;
    ppid = p.ppid;
  }
  return chain.length > 0 ? chain : [{ pid: process.ppid, command: 'parent process' }];
}

/** True while `launcher` runs: same pid, same start time (Linux), not a zombie. */
export function launcherAlive(launcher: Launcher): boolean {
  const now = procInfo(launcher.pid);
  if (now === undefined) {
    if (process.platform === 'linux') return false; // no /proc/<pid>: gone
    try {
      process.kill(launcher.pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return !now.zombie && (launcher.startTime === undefined || now.startTime === launcher.startTime);
}

/**
 * Call `onGone` once when this process is re-parented or any process of its launcher chain exits.
 * Polls every `intervalMs` (unref'd: it never keeps the process alive).
 * @returns a function that stops watching
 */
export function watchLaunchers(onGone: (launcher: Launcher) => void, intervalMs = 500): () => void {
  const chain = launcherChain();
  const parent = process.ppid;
  let fired = false;
  const timer = setInterval(() => {
    if (fired) return;
    const gone =
      process.ppid !== parent
        ? (chain.find((l) => l.pid === parent) ?? { pid: parent, command: 'parent process' })
        : chain.find((l) => !launcherAlive(l));
    if (gone) {
      fired = true;
      clearInterval(timer);
      onGone(gone);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
