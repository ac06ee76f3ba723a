import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTCOME_TABLE } from './outcome-classes';

// The outcome table is written once in code and shown in docs/protocol.md
// (section 8.1): the two must say the same, and every row whose next state
// lets the request be sent again must prove that it was not created.

const docs = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

describe('outcome classification table', () => {
  it('is in docs/protocol.md exactly as in code', () => {
    for (const [cls, rule] of Object.entries(OUTCOME_TABLE)) {
      expect(docs).toContain(`| \`${cls}\` | ${rule.outcome} | ${rule.proves} | ${rule.next} |`);
    }
  });

  it('lets only proven non-creations lead to another send, and makes every other doubt UNKNOWN', () => {
    for (const [cls, rule] of Object.entries(OUTCOME_TABLE)) {
      if (rule.kind === 'transient' || rule.kind === 'auth') expect(rule.proves, cls).toMatch(/^(not sent|refused before processing)$/);
      if (rule.kind === 'rejected') expect(rule.proves, cls).toBe('refused before creation');
      if (rule.proves.startsWith('nothing')) expect(rule.kind, cls).toBe('unknown');
    }
  });
});
