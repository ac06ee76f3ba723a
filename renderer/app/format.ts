import { REQUEST_DEFINITIONS } from '../../shared/domain/request-catalog';
import { LOCAL_STATE_TABLE, LOCAL_STATE_VARIANTS } from '../../shared/domain/life-cycle';

// One date format everywhere on screen: the operator's locale (exports use ISO).
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return DATE_TIME.format(new Date(ms));
}

/** A head-end date ("2026-12-01T05:45:12", local time, as the seed writes it) in the same format. */
export function formatHeadendDate(text: string | null | undefined): string {
  if (!text) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return formatTime(new Date(y!, mo! - 1, d!, h!, mi!, s || 0).getTime());
}

/** "1 request", "2 requests"; `many` when the plural is not just an s. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export function formatAgo(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return formatTime(ms);
}

const labels = new Map<string, string>(REQUEST_DEFINITIONS.map((d) => [`${d.provider}/${d.method}`, d.label]));

export function requestLabel(provider: string, method: string): string {
  return labels.get(`${provider}/${method}`) ?? method;
}

export function providerLabel(provider: string): string {
  return provider === 'nagravision' ? 'Nagravision' : provider === 'conax' ? 'Conax' : provider;
}

/** The operator's word for a local state (shared/domain/life-cycle.ts); an unknown state shows as stored. */
export function stateLabel(state: string): string {
  return (LOCAL_STATE_TABLE as Partial<Record<string, { label: string }>>)[state]?.label ?? state;
}

/** What a state means, in the README's words; a variant (VERIFY_AT_HEADEND) has its own. */
export function stateMeaning(state: string, errorCode: string | null = null): string {
  const variant = errorCode === null ? undefined : (LOCAL_STATE_VARIANTS as Partial<Record<string, { state: string; meaning: string }>>)[errorCode];
  if (variant?.state === state) return variant.meaning;
  return (LOCAL_STATE_TABLE as Partial<Record<string, { meaning: string }>>)[state]?.meaning ?? '';
}

/** "serial_number:smrt20000054" → "smrt20000054 (serial number)" */
export function cardLabel(key: string): string {
  const stb = key.startsWith('stb:');
  const rest = stb ? key.slice(4) : key;
  const colon = rest.indexOf(':');
  if (colon < 0) return key;
  return `${stb ? 'STB ' : ''}${rest.slice(colon + 1)} (${rest.slice(0, colon).replace(/_/g, ' ')})`;
}
