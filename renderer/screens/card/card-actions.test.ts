import { describe, expect, it } from 'vitest';
import { findRequestDefinition } from '../../../shared/domain/request-catalog';
import type { CardView } from '../../../shared/ipc/card-schemas';
import { parseRoute, routeHref } from '../../app/router';
import { cardActions } from './card-actions';

const view = {
  identity: { kind: 'smartcard', catalog_id: '42', serial_number: 'smrt20000054', alternative_code: null, ca_id: '10020000054', subscription: 'S60507' },
} as unknown as CardView;

describe('card actions', () => {
  it('every action opens an existing Compose action, prefilled with the card, through a link that round-trips', () => {
    const actions = cardActions(view);
    expect(actions.length).toBeGreaterThan(5);
    for (const action of actions) {
      const route = action.route;
      if (route.screen !== 'compose') throw new Error('not a compose link');
      expect(findRequestDefinition(route.provider!, route.method!), `${route.provider}/${route.method}`).toBeDefined();
      expect(parseRoute(routeHref(route))).toEqual(route);
      expect(route.prefill).toMatchObject({ smartcard_identifier: { serial_number: 'smrt20000054' }, subscription_identifier: { number: 'S60507' }, smartcard_ca_id: '10020000054' });
    }
  });

  it('a compose link with a broken prefill opens compose without one', () => {
    expect(parseRoute('#/compose/conax/get_active_subscriptions/with/%7Bnot-json')).toEqual({ screen: 'compose', provider: 'conax', method: 'get_active_subscriptions' });
  });
});
