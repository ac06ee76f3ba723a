import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { optionsFromArgs, startupBanner } from './headend-cli';
import { DEFAULT_CREDENTIALS } from './headend-options';
import type { RunningHeadend } from './start-headend';
import { FrameProbe, httpCall } from './testing/sandbox-probe';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'headend-cli.ts');

describe('headend CLI', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('parses flags into options, fault knobs included, and refuses bad ones', () => {
    const o = optionsFromArgs(['--tcp-port', '7001', '--http-port', '7002', '--seed-size', 'small', '--drop-after-frames', '3', '--answer-never', '--reject-rate', '0.25']);
    expect(o).toMatchObject({ tcpPort: 7001, httpPort: 7002, seedSize: 'small', faults: { dropAfterFrames: 3, answerNever: true, rejectRate: 0.25 } });
    expect(() => optionsFromArgs(['--tcp-port', 'x'])).toThrow('--tcp-port');
    expect(() => optionsFromArgs(['--seed-size', 'huge'])).toThrow('--seed-size');
    expect(() => optionsFromArgs(['--reject-rate', '2'])).toThrow('--reject-rate');
    expect(() => optionsFromArgs(['--bogus'])).toThrow();
  });

  it('prints who logs in but never the password, default or custom', () => {
    const headend = {
      tcpPort: 7001, destinationId: 'SANDBOX-NAGRA-1', baseUrl: 'http://127.0.0.1:7002',
      controlUrl: 'http://127.0.0.1:7002/sandbox/control', dataDir: '/tmp/x',
      credentials: { username: 'operator', organisation: 'SANDBOX' },
    } as RunningHeadend;
    const byDefault = startupBanner(headend, {});
    expect(byDefault).toContain('username operator, organisation SANDBOX, password: the sandbox default (see docs/protocol.md)');
    expect(byDefault).not.toContain(`password ${DEFAULT_CREDENTIALS.password}`);
    const custom = startupBanner(headend, { credentials: { password: 'Tr0ub4dor&3' } });
    expect(custom).toContain('password: (custom, not shown)');
    expect(custom).not.toContain('Tr0ub4dor&3');
  });

  it('starts standalone, prints ports and login (no password, no token), serves, and stops on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    dirs.push(dataDir);
    const password = 'Correct-Horse-4711';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, '--seed-size', 'tiny', '--data-dir', dataDir, '--password', password],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    /** The exit code, or a rejection once timeoutMs has passed (the finally below kills the child). */
    const exitWithin = (timeoutMs: number) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`CLI did not exit within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      });
      return Promise.race([exited, late]).finally(() => clearTimeout(timer));
    };
    try {
      const deadline = Date.now() + 20_000;
      while (!/control\s*:/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`CLI did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const tcpPort = Number(/Nagravision TCP : [\d.]+:(\d+)/.exec(out)?.[1]);
      const baseUrl = /HTTP\s+: (http:\/\/\S+)/.exec(out)?.[1];
      expect(out).toContain('username operator, organisation SANDBOX, password: (custom, not shown)');
      const login = await httpCall(baseUrl!, 'POST', '/authentication/token', { username: 'operator', password, organisation: 'SANDBOX' });
      const token = (login.body.data as { token: string }).token;
      expect(token).toMatch(/^[0-9A-F]{32}$/);
      const probe = await FrameProbe.connect(tcpPort);
      expect((await probe.call('ping', {}, 'SANDBOX-NAGRA-1')).data).toEqual({ pong: true });
      probe.close();
      child.kill('SIGTERM');
      expect(await exitWithin(10_000)).toBe(0);
      expect(out).not.toContain(token);
      expect(out).not.toContain(password);
      expect(fs.existsSync(path.join(dataDir, 'sandbox-headend.sqlite'))).toBe(true);
    } finally {
      // whatever failed above, the child never outlives the test
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
