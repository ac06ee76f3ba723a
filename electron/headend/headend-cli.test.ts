import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { optionsFromArgs } from './headend-cli';
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

  it('starts standalone, prints ports and credentials (no token), serves, and stops on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    dirs.push(dataDir);
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--seed-size', 'tiny', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/control\s*:/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`CLI did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const tcpPort = Number(/Nagravision TCP : [\d.]+:(\d+)/.exec(out)?.[1]);
      const baseUrl = /HTTP\s+: (http:\/\/\S+)/.exec(out)?.[1];
      expect(out).toContain('username operator, password sandbox, organisation SANDBOX');
      const login = await httpCall(baseUrl!, 'POST', '/authentication/token', { username: 'operator', password: 'sandbox', organisation: 'SANDBOX' });
      const token = (login.body.data as { token: string }).token;
      const probe = await FrameProbe.connect(tcpPort);
      expect((await probe.call('ping', {}, 'SANDBOX-NAGRA-1')).data).toEqual({ pong: true });
      probe.close();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).not.toContain(token);
      expect(fs.existsSync(path.join(dataDir, 'sandbox-headend.sqlite'))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
