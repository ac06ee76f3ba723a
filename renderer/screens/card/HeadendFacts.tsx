import type { CardView } from '../../../shared/ipc/card-schemas';
import { formatTime } from '../../app/format';
import { routeHref } from '../../app/router';

// "What the head-end last told us": one value per fact, with when and how we
// learnt it, so nothing on the card page contradicts anything else.

type Fact = CardView['headend']['services'];

const SOURCE_WORDS: Record<Fact['source'], string> = {
  catalog: 'catalog sync',
  query: 'query',
  'completed-request': 'completed request',
  none: '',
};

function Told({ fact }: { fact: Fact | CardView['headend']['pairing'] | CardView['headend']['pin'] }) {
  if (fact.source === 'none') return <span className="hint"> · nothing heard yet</span>;
  return (
    <span className="hint told">
      {' · '}
      {formatTime(fact.at)} by {SOURCE_WORDS[fact.source]}
      {fact.request_id !== null ? (
        <>
          {' '}
          <a href={routeHref({ screen: 'request', id: fact.request_id })}>#{fact.request_id}</a>
        </>
      ) : null}
    </span>
  );
}

export function HeadendFacts({ v }: { v: CardView }) {
  const { services, pairing, pin } = v.headend;
  const serviceText =
    services.items === null ? 'unknown' : services.items.length === 0 ? 'none' : services.items.map((s) => (s.name && s.code && s.name !== s.code ? `${s.name} (${s.code})` : (s.name ?? s.code ?? '?'))).join(', ');
  const pairingText =
    pairing.paired === null
      ? 'unknown'
      : pairing.paired
        ? [pairing.stbs.length > 0 ? `STB ${pairing.stbs.join(', STB ')}` : 'paired', pairing.pairing_id ? `(pairing ${pairing.pairing_id})` : ''].filter(Boolean).join(' ')
        : 'not paired';
  return (
    <section className="panel" aria-labelledby="told-title" data-testid="card-headend">
      <h2 id="told-title">What the head-end last told us</h2>
      <dl className="facts">
        <dt>Services</dt>
        <dd data-testid="card-services">
          {serviceText}
          <Told fact={services} />
        </dd>
        <dt>Pairing</dt>
        <dd data-testid="card-pairing">
          {pairingText}
          <Told fact={pairing} />
        </dd>
        <dt>PIN</dt>
        <dd data-testid="card-pin">
          {pin.state ?? 'unknown'}
          <Told fact={pin} />
        </dd>
      </dl>
    </section>
  );
}
