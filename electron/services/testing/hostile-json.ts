import fc from 'fast-check';

// Inputs a broken or hostile caller can send over the wire (the bridge parses
// JSON; the preload passes what the renderer gives): random JSON, and a valid
// input with a few parts replaced by wrong types, huge or number-like strings,
// extreme numbers, extra keys and prototype-pollution keys. Everything goes
// through a JSON round trip, so "__proto__" arrives as an own key, as
// JSON.parse delivers it.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys that reach a prototype when code copies them naively. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

/** The property a successful pollution would leave on Object.prototype. */
export const POLLUTION_MARK = 'fuzzPolluted';

const POLLUTION_PAYLOAD = `{"__proto__":{"${POLLUTION_MARK}":"yes"},"constructor":{"prototype":{"${POLLUTION_MARK}":"yes"}}}`;

const HUGE_STRINGS = [600, 70_000, 1_100_000].map((n) => 'x'.repeat(n));
const NUMBER_LIKE_STRINGS = ['NaN', 'Infinity', '-Infinity', '-0', '1e309', '0x10', '1_000', ' 1', '+1', '', '007'];
const ODD_STRINGS = ['\u0000', '\uD800', "'; DROP TABLE requests; --", '../../etc/passwd', '%s%n', '<script>x</script>', 'smrt20000054\n', '=cmd|/c calc!A1'];
const ODD_NUMBERS = [-1, 0, 1.5, -(2 ** 31), 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324];

/** An own property, even for "__proto__" (plain assignment would set the prototype instead). */
function put(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** As the bridge would deliver it: JSON text parsed again. */
export const overTheWire = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

const json = (maxDepth: number) => fc.jsonValue({ maxDepth }) as fc.Arbitrary<Json>;

/** A fresh copy each time: the mutations change what they are given. */
const pollution = fc.constant(null).map(() => JSON.parse(POLLUTION_PAYLOAD) as Json);

export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(...NUMBER_LIKE_STRINGS, ...ODD_STRINGS, ...HUGE_STRINGS),
  fc.constantFrom<Json>(...ODD_NUMBERS),
  // Plain numbers too: ids and limits the contract accepts reach the services, where the semantic refusals are.
  { arbitrary: fc.integer({ min: -10, max: 1_000_000 }), weight: 2 },
  fc.constantFrom<Json>(null, true, false, [], {}),
  { arbitrary: pollution, weight: 2 },
  json(2),
);

const isObject = (v: Json | undefined): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every place in `value` (as key paths), the root first. */
function placesOf(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => placesOf(v, [...at, i])));
  if (isObject(value)) return here.concat(...Object.keys(value).map((k) => placesOf(value[k]!, [...at, k])));
  return here;
}

/** Every object key used anywhere in `value`: random objects reuse them to reach real fields. */
export function keysOf(value: Json): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap(keysOf))];
  if (isObject(value)) return [...new Set([...Object.keys(value), ...Object.values(value).flatMap(keysOf)])];
  return [];
}

function nodeAt(root: Json, place: (string | number)[]): Json | undefined {
  let node: Json | undefined = root;
  for (const step of place) node = Array.isArray(node) || isObject(node) ? (node as Record<string | number, Json>)[step] : undefined;
  return node;
}

interface Mutation {
  place: number;
  op: 'replace' | 'add' | 'delete';
  key: string;
  value: Json;
}

function mutate(base: Json, places: (string | number)[][], mutations: Mutation[]): Json {
  let root = overTheWire(base);
  for (const mutation of mutations) {
    // A copy: the arbitraries hand out shared constants ([] and {}), which must never be changed in place.
    const m = { ...mutation, value: overTheWire(mutation.value) };
    const place = places[m.place]!;
    const parent = place.length === 0 ? undefined : nodeAt(root, place.slice(0, -1));
    const last = place[place.length - 1]!;
    if (m.op === 'replace') {
      if (place.length === 0) root = m.value;
      else if (Array.isArray(parent)) parent[last as number] = m.value;
      else if (isObject(parent)) put(parent, String(last), m.value);
    } else if (m.op === 'add') {
      const node = nodeAt(root, place);
      if (Array.isArray(node)) node.push(m.value);
      else if (isObject(node)) put(node, m.key, m.value);
    } else if (isObject(parent)) {
      delete parent[String(last)];
    } else if (Array.isArray(parent)) {
      parent.splice(last as number, 1);
    }
  }
  return overTheWire(root);
}

/** `base` with one to three parts replaced, added or removed. */
export function mutatedFrom(base: Json): fc.Arbitrary<Json> {
  const places = placesOf(base);
  const keys = keysOf(base);
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    place: fc.nat(places.length - 1),
    op: fc.constantFrom('replace', 'add', 'delete'),
    key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 }), ...(keys.length > 0 ? [fc.constantFrom(...keys)] : [])),
    value: hostileValue,
  });
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => mutate(base, places, ms));
}

/** Random JSON, and random objects whose keys are often the channel's own field names or hostile ones. */
export function randomInput(fieldNames: string[]): fc.Arbitrary<Json> {
  const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS, ...fieldNames), fc.string({ maxLength: 10 }));
  const object = fc.array(fc.tuple(key, fc.oneof(hostileValue, json(2))), { maxLength: 4 }).map((entries) => {
    const o: Record<string, Json> = {};
    for (const [k, v] of entries) put(o, k, v);
    return overTheWire(o);
  });
  return fc.oneof(json(3), object);
}
