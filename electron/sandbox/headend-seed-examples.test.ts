import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import examples from '../../shared/domain/fixtures/nagravision-seed-examples.json';
import { provisioningRequestEnvelope, provisioningRequestSchema } from '../../shared/domain/provisioning-request';
import { findRequestDefinition } from '../../shared/domain/request-catalog';
import { startFixture, type Fixture } from './testing/headend-fixture';

type Example = { method: string; request: Record<string, unknown>; response: { data: Record<string, unknown> } };
const keySets = (set: unknown) =>
  (set as Record<string, unknown>[]).map((p) => Object.keys(p).sort().join(',')).sort();

describe('the six seed examples against the sandbox (TCP)', () => {
  let fx: Fixture;
  let token: string;
  beforeAll(async () => {
    fx = await startFixture({ processingPaused: true });
    token = await fx.login();
  });
  afterAll(() => fx.stop());

  for (const example of examples as Example[]) {
    it(`${example.method}: accepted and answered in the seed's shape`, async () => {
      const probe = fx.probes[0] ?? (await fx.probe());
      const answer = await fx.nagra(example.method, { ...example.request, token }, probe);
      expect(answer.status.code, answer.status.description).toBe('OK');
      expect(provisioningRequestEnvelope.safeParse(answer).success).toBe(true);
      const data = provisioningRequestSchema.parse(answer.data);
      const seed = example.response.data;
      expect(Object.keys(data).sort()).toEqual(Object.keys(seed).sort());
      expect(Object.keys(data.log_information).sort()).toEqual(Object.keys(seed.log_information as object).sort());
      expect(data.type).toBe(seed.type);
      expect(data.process_name).toBe(seed.process_name);
      expect(data.process_name).toBe(findRequestDefinition('nagravision', example.method)?.processName);
      expect(data.priority).toBe(seed.priority);
      expect(data.life_cycle_state).toBe('PENDING');
      expect(data.process_immediately).toBe(seed.process_immediately);
      expect(keySets(data.parameters_set)).toEqual(keySets(seed.parameters_set));
      expect(data.id).toMatch(/^[0-9A-F]{32}$/);
      expect(data.log_information.created_by_user.username).toBe('operator');
      // the PIN is never echoed anywhere in the answer
      expect(JSON.stringify(answer)).not.toContain('"1234"');
    });
  }

  it('numbers are sequential and ids distinct', async () => {
    const probe = await fx.probe();
    const [a, b] = await Promise.all(
      [0, 1].map(() => fx.nagra('clear_pin', { ...(examples as Example[])[5]!.request, token }, probe)),
    );
    const na = Number((a!.data as { number: string }).number);
    const nb = Number((b!.data as { number: string }).number);
    expect(Math.abs(na - nb)).toBe(1);
    expect((a!.data as { id: string }).id).not.toBe((b!.data as { id: string }).id);
  });

  it('against the seeded catalog, all six examples complete when processed', async () => {
    const own = await startFixture({ processingPaused: true });
    try {
      await completeAll(own, await own.login());
    } finally {
      await own.stop();
    }
  });
});

async function completeAll(fx: Fixture, token: string): Promise<void> {
  const probe = await fx.probe();
  const numbers: string[] = [];
  for (const example of examples as Example[]) {
    const answer = await fx.nagra(example.method, { ...example.request, token }, probe);
    numbers.push((answer.data as { number: string }).number);
  }
  await new Promise((r) => setTimeout(r, 60)); // past the processing delay
  fx.headend.processNow();
  for (const number of numbers) {
    const shown = await fx.nagra('show', { token, provisioning_request_identifier: { number } }, probe);
    const data = provisioningRequestSchema.parse(shown.data);
    expect(data.life_cycle_state, `${data.type}: ${data.error_description}`).toBe('COMPLETED');
  }
  const card = fx.headend.card('smrt20000054')!;
  expect(card.paired_stbs).toEqual(['dc1000015']);
  expect(card.services).toEqual(['Gold']);
}
