import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const CHILD = path.join(here, 'store-child.ts');

/** A store-child process with line-by-line access to what it says. */
export class StoreChild {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly process: ChildProcess;
  private waiters: (() => void)[] = [];
  private stderr = '';

  constructor(args: string[]) {
    this.process = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    this.process.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      this.lines.push(...parts);
      this.waiters.forEach((w) => w());
    });
    this.process.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code) => {
        this.waiters.forEach((w) => w());
        resolve(code);
      });
    });
  }

  /** Resolves with the first line matching, or rejects after timeoutMs / when the child exits. */
  waitForLine(match: (line: string) => boolean, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.lines.find(match);
        if (line !== undefined) return finish(() => resolve(line));
        if (this.process.exitCode !== null || this.process.signalCode !== null) {
          finish(() => reject(new Error(`child exited (${this.process.exitCode ?? this.process.signalCode}): ${this.stderr}`)));
        }
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no matching line within ${timeoutMs} ms: ${this.stderr}`))), timeoutMs);
      const finish = (done: () => void) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        done();
      };
      this.waiters.push(check);
      check();
    });
  }

  /** kill -9, and wait until the process is gone. */
  async killHard(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    await this.exited;
  }
}
