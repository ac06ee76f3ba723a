// What processing a request does to the card state, and why a head-end refuses
// one. Every check runs before any change, and the caller runs this in a
// transaction, so a refused request changes nothing.
import { DEFAULT_DISPLAY_DURATION_SECONDS } from '../../shared/domain/conax-requests';
import { findRequestDefinition, requestKindOf, type CardEffect, type RequestDefinition } from '../../shared/domain/request-catalog';
import { targetOf } from '../../shared/domain/request-fields';
import type { CatalogRepo, SmartcardRow, StbRow, ServiceRow } from './catalog-repo';
import { sandboxKindOf } from './sandbox-kinds';

type Params = Record<string, unknown>;

export type RejectionCode =
  | 'CLIENT_NOT_FOUND'
  | 'CLIENT_NOT_MANAGED_BY_SMS'
  | 'INPUT_VALIDATION_ERROR'
  | 'FEATURE_NOT_AVAILABLE'
  | 'SYSTEM_ERROR';

export class Rejection extends Error {
  constructor(
    readonly code: RejectionCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'Rejection';
  }
}

/** What a completed request answers in `response` (query types only). */
export type EffectResult = { response: unknown | null };

const describe = (identifier: Params) =>
  Object.entries(identifier)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');

export class RequestEffects {
  constructor(private readonly catalog: CatalogRepo) {}

  /** Processes a stored request: what its kind's effect (request-catalog.ts) does to the head-end's cards. */
  apply(request: { provider: string; method: string; type: string }, params: Params, requestNumber: string): EffectResult {
    const definition = findRequestDefinition(request.provider, request.method);
    if (!definition) throw new Rejection('FEATURE_NOT_AVAILABLE', `request type ${request.type} is not supported by this head-end`);
    const effect: CardEffect = definition.effect;
    switch (effect.kind) {
      case 'products':
        return effect.change === 'add' ? this.addProducts(definition, params) : this.cancelProducts(definition, params);
      case 'pairing':
        if (effect.change === 'pair-or-unpair') return this.pairNagravision(definition, params, requestNumber);
        return effect.change === 'create' ? this.createPairing(params, requestNumber) : this.addToPairing(definition, params);
      case 'pin':
        this.catalog.setPinState(this.cardOf(definition, params).id, effect.state);
        return { response: null };
      case 'query':
        if (definition.answer === 'active_subscriptions') {
          const card = this.cardOf(definition, params);
          const services = this.catalog.entitlements(card.id).map((s) => ({ code: s.code, name: s.name, ca_id: s.ca_id }));
          return { response: { smartcard_ca_id: card.ca_id, services } };
        }
        return { response: this.pairingStatus(this.pairingOfTarget(definition, params)) };
      case 'message':
        return this.showMessage(definition, effect.message, params, requestNumber);
    }
  }

  private addProducts(definition: RequestDefinition, params: Params): EffectResult {
    const card = this.cardOf(definition, params);
    const services = this.services(params);
    this.catalog.addEntitlements(card.id, services.map((s) => s.id));
    return { response: null };
  }

  private cancelProducts(definition: RequestDefinition, params: Params): EffectResult {
    const card = this.cardOf(definition, params);
    const services = this.services(params);
    const held = new Set(this.catalog.entitlements(card.id).map((s) => s.id));
    const missing = services.filter((s) => !held.has(s.id));
    if (missing.length > 0) {
      throw new Rejection(
        'INPUT_VALIDATION_ERROR',
        `smartcard ${card.serial_number} does not have service ${missing.map((s) => s.code).join(', ')}`,
      );
    }
    this.catalog.removeEntitlements(card.id, services.map((s) => s.id));
    return { response: null };
  }

  /** The pairing of the request's target: an STB's, or a card's. */
  private pairingOfTarget(definition: RequestDefinition, params: Params): string | null {
    const target = targetOf(definition, params);
    if (target?.card === 'stb' && 'identifier' in target) return this.stbOf(target.identifier, definition.target.field).pairing_id;
    return this.cardOf(definition, params).pairing_id;
  }

  /** The request's card (its kind's target), checked: known, a smartcard, managed, of the named subscription. */
  private cardOf(definition: RequestDefinition, params: Params): SmartcardRow {
    const target = targetOf(definition, params);
    let card: SmartcardRow | undefined;
    let named: string;
    if (target !== null && 'identifier' in target) {
      named = describe(target.identifier);
      card = this.catalog.smartcard(target.identifier);
      if (!card && this.catalog.stb(target.identifier)) {
        throw new Rejection('INPUT_VALIDATION_ERROR', `${definition.target.field} (${named}) names an STB, not a smartcard`);
      }
    } else {
      const caId = target === null ? 'undefined' : target.caId;
      named = `ca_id ${caId}`;
      card = this.catalog.smartcardByCaId(caId);
    }
    if (!card) throw new Rejection('CLIENT_NOT_FOUND', `smartcard (${named}) is not known to the head-end`);
    this.checkCard(card, params);
    return card;
  }

  private checkCard(card: SmartcardRow, params: Params): void {
    if (card.managed_by_sms !== 1) {
      throw new Rejection('CLIENT_NOT_MANAGED_BY_SMS', `smartcard ${card.serial_number} is not managed by this SMS`);
    }
    const subId = params.subscription_identifier as Params | undefined;
    if (!subId) return;
    const subscription = this.catalog.subscription(subId);
    if (!subscription) {
      throw new Rejection('CLIENT_NOT_FOUND', `subscription (${describe(subId)}) is not known to the head-end`);
    }
    if (subscription.number !== card.subscription_number) {
      throw new Rejection(
        'INPUT_VALIDATION_ERROR',
        `smartcard ${card.serial_number} belongs to another subscription than ${subscription.number}`,
      );
    }
  }

  private stbOf(identifier: Params, field: string): StbRow {
    const stb = this.catalog.stb(identifier) ?? (typeof identifier.ca_id === 'string' ? this.catalog.stbByCaId(identifier.ca_id) : undefined);
    if (stb) return stb;
    if (this.catalog.smartcard(identifier)) {
      throw new Rejection('INPUT_VALIDATION_ERROR', `${field} (${describe(identifier)}) names a smartcard, not an STB`);
    }
    throw new Rejection('CLIENT_NOT_FOUND', `STB (${describe(identifier)}) is not known to the head-end`);
  }

  private setCard(identifier: Params, params: Params): SmartcardRow {
    const card = this.catalog.smartcard(identifier) ?? (typeof identifier.ca_id === 'string' ? this.catalog.smartcardByCaId(identifier.ca_id) : undefined);
    if (!card) throw new Rejection('CLIENT_NOT_FOUND', `smartcard (${describe(identifier)}) is not known to the head-end`);
    this.checkCard(card, params);
    return card;
  }

  private services(params: Params): ServiceRow[] {
    const identifiers: Params[] = Array.isArray(params.services_set)
      ? (params.services_set as { service_identifier: Params }[]).map((s) => s.service_identifier)
      : [params.service_identifier as Params];
    return identifiers.map((identifier) => {
      const service = this.catalog.service(identifier);
      if (!service) {
        throw new Rejection('INPUT_VALIDATION_ERROR', `service (${describe(identifier)}) is not a service known to the head-end`);
      }
      return service;
    });
  }

  /** Takes a card out of its pairing; a pairing left without cards frees its STBs. */
  private leavePairing(card: SmartcardRow): void {
    if (card.pairing_id === null) return;
    const pairingId = card.pairing_id;
    this.catalog.setCardPairing(card.id, null);
    if (this.catalog.cardsInPairing(pairingId).length === 0) {
      for (const stb of this.catalog.stbsInPairing(pairingId)) this.catalog.setStbPairing(stb.id, null);
    }
  }

  private pairNagravision(definition: RequestDefinition, params: Params, requestNumber: string): EffectResult {
    const card = this.cardOf(definition, params);
    if (!params.stb_identifier) {
      if (card.pairing_id === null) {
        throw new Rejection('INPUT_VALIDATION_ERROR', `smartcard ${card.serial_number} is not paired with any STB`);
      }
      this.leavePairing(card);
      return { response: null };
    }
    const stb = this.stbOf(params.stb_identifier as Params, 'stb_identifier');
    if (stb.pairing_id !== null && stb.pairing_id === card.pairing_id) return { response: null };
    if (stb.pairing_id !== null) {
      const other = this.catalog.cardsInPairing(stb.pairing_id)[0];
      throw new Rejection(
        'INPUT_VALIDATION_ERROR',
        `STB ${stb.serial_number} is already paired with another smartcard${other ? ` (${other.serial_number})` : ''}`,
      );
    }
    this.leavePairing(card);
    const pairingId = `PAIR-${requestNumber}`;
    this.catalog.setCardPairing(card.id, pairingId);
    this.catalog.setStbPairing(stb.id, pairingId);
    return { response: null };
  }

  private unpairedItems(params: Params, pairingId: string | null) {
    const cards = ((params.smartcard_set as Params[] | undefined) ?? []).map((e) => this.setCard(e, params));
    const stbs = ((params.stb_set as Params[] | undefined) ?? []).map((e) => this.stbOf(e, 'stb_set'));
    for (const item of [...cards, ...stbs]) {
      if (item.pairing_id !== null && item.pairing_id !== pairingId) {
        const what = 'pin_state' in item ? 'smartcard' : 'STB';
        throw new Rejection('INPUT_VALIDATION_ERROR', `${what} ${item.serial_number} is already paired elsewhere`);
      }
    }
    return { cards, stbs };
  }

  private createPairing(params: Params, requestNumber: string): EffectResult {
    const { cards, stbs } = this.unpairedItems(params, null);
    const pairingId = `PAIR-${requestNumber}`;
    for (const c of cards) this.catalog.setCardPairing(c.id, pairingId);
    for (const s of stbs) this.catalog.setStbPairing(s.id, pairingId);
    return { response: null };
  }

  private addToPairing(definition: RequestDefinition, params: Params): EffectResult {
    const owner = this.cardOf(definition, params);
    if (owner.pairing_id === null) {
      throw new Rejection('INPUT_VALIDATION_ERROR', `smartcard ${owner.serial_number} has no pairing to add to`);
    }
    const { cards, stbs } = this.unpairedItems(params, owner.pairing_id);
    for (const c of cards) this.catalog.setCardPairing(c.id, owner.pairing_id);
    for (const s of stbs) this.catalog.setStbPairing(s.id, owner.pairing_id);
    return { response: null };
  }

  private pairingStatus(pairingId: string | null) {
    if (pairingId === null) return { paired: false, pairing_id: null, smartcards: [], stbs: [] };
    const item = (r: SmartcardRow | StbRow) => ({ serial_number: r.serial_number, ca_id: r.ca_id });
    return {
      paired: true,
      pairing_id: pairingId,
      smartcards: this.catalog.cardsInPairing(pairingId).map(item),
      stbs: this.catalog.stbsInPairing(pairingId).map(item),
    };
  }

  private showMessage(definition: RequestDefinition, kind: Extract<CardEffect, { kind: 'message' }>['message'], params: Params, requestNumber: string): EffectResult {
    const card = this.cardOf(definition, params);
    if (sandboxKindOf(requestKindOf(definition)).legacyCards === 'refused' && card.legacy === 1) {
      throw new Rejection('FEATURE_NOT_AVAILABLE', `smartcard ${card.serial_number} does not support ${definition.type}`);
    }
    this.catalog.addMessage(card.id, {
      kind,
      message_text: typeof params.message_text === 'string' ? params.message_text : null,
      display_duration:
        kind === 'mail' ? null : typeof params.display_duration === 'number' ? params.display_duration : DEFAULT_DISPLAY_DURATION_SECONDS,
      repetition_interval: typeof params.repetition_interval === 'number' ? params.repetition_interval : null,
      number_of_repetitions: typeof params.number_of_repetitions === 'number' ? params.number_of_repetitions : null,
      request_number: requestNumber,
    });
    return { response: null };
  }
}
