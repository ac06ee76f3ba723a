import { describe, expect, it } from 'vitest';
import { attentionNotice, documentTitle } from './document-title';

describe('the window title and the attention notice', () => {
  it('puts the open attention count first in the title', () => {
    expect(documentTitle(0)).toBe('CA Desk');
    expect(documentTitle(1)).toBe('(1) CA Desk — 1 needs attention');
    expect(documentTitle(12)).toBe('(12) CA Desk — 12 need attention');
  });

  it('notices only a rise after the first count (a backlog at start is not news)', () => {
    expect(attentionNotice(null, 5)).toBeNull();
    expect(attentionNotice(5, 5)).toBeNull();
    expect(attentionNotice(5, 3)).toBeNull();
    expect(attentionNotice(0, 1)).toBe('1 new item in Needs attention (1 open).');
    expect(attentionNotice(3, 5)).toBe('2 new items in Needs attention (5 open).');
  });
});
