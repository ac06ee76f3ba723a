import { silentLogger } from '../../logging/logger';
import { startRuntime, type RuntimeOptions } from '../runtime';
import { inProcessHandle, type RuntimeHandle } from '../runtime-handle';

// The runtime as the IPC-level tests start it, so each test names only what it
// is about: browser mode, no log output, the test operator signed in, the desk
// unlocked, a tiny sandbox that finishes requests quickly, a quick sync.

export const TEST_OPERATOR = { name: 'Test Operator', password: 'operator password' };
export const TEST_PASSPHRASE = 'a desk passphrase';

export function testRuntimeOptions(dataDir: string, overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return {
    mode: 'browser',
    version: '0.0.0-test',
    dataDir,
    logger: silentLogger,
    operator: TEST_OPERATOR,
    passphrase: TEST_PASSPHRASE,
    headend: { seedSize: 'tiny', processingDelayMs: 50, processingIntervalMs: 50 },
    sync: { idleMs: 100, statusPollMs: 200 },
    ...overrides,
  };
}

export async function startTestRuntime(dataDir: string, overrides: Partial<RuntimeOptions> = {}): Promise<RuntimeHandle> {
  return inProcessHandle(await startRuntime(testRuntimeOptions(dataDir, overrides)));
}
