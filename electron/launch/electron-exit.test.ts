import { describe, expect, it } from 'vitest';
import { classifyElectronExit, STARTUP_FAILED_EXIT_CODE } from './electron-exit';

describe("the Electron child's exit", () => {
  it('is success only for a clean exit 0', () => {
    expect(classifyElectronExit(0, null)).toEqual({ kind: 'closed' });
  });

  it('is a failure, never success, when a signal killed it', () => {
    expect(classifyElectronExit(null, 'SIGSEGV')).toEqual({ kind: 'failed', reason: 'Electron was killed by SIGSEGV', exitCode: 139 });
    expect(classifyElectronExit(null, 'SIGKILL')).toMatchObject({ kind: 'failed', exitCode: 137 });
  });

  it('is a stop, with the shell convention 128+n, for the signals that stop programs', () => {
    expect(classifyElectronExit(null, 'SIGINT')).toEqual({ kind: 'stopped', signal: 'SIGINT', exitCode: 130 });
    expect(classifyElectronExit(null, 'SIGTERM')).toMatchObject({ kind: 'stopped', exitCode: 143 });
  });

  it('tells a failed start from another non-zero exit', () => {
    expect(classifyElectronExit(STARTUP_FAILED_EXIT_CODE, null)).toMatchObject({ kind: 'failed', exitCode: 1, reason: expect.stringMatching(/could not start/) });
    expect(classifyElectronExit(3, null)).toEqual({ kind: 'failed', reason: 'Electron exited with code 3', exitCode: 3 });
  });
});
