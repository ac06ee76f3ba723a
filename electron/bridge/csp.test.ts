import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META } from '../../shared/ipc/csp';

describe('renderer CSP', () => {
  it('index.html carries the same policy as the headers, without unsafe-*', () => {
    const html = readFileSync(path.join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY_META);
    expect(CONTENT_SECURITY_POLICY.startsWith(CONTENT_SECURITY_POLICY_META)).toBe(true);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-/);
  });
});
