// The life cycle of a local request, said once: each state with the word the
// operator sees, what it means (the README's table, checked by
// life-cycle.test.ts), whether it is in the outbox, whether it is finished and
// whether it needs an operator; and each transition with the states it may
// start from and lead to. The store's transitions, the attention inbox, the
// actions a request view offers and the renderer's labels all read these.

export const LOCAL_STATES = [
  'QUEUED',
  'SENDING',
  'UNKNOWN',
  'RETRY_WAIT',
  'ACKNOWLEDGED',
  'COMPLETED',
  'REJECTED',
  'NEEDS_ATTENTION',
  'DISCARDED',
] as const;
export type LocalState = (typeof LOCAL_STATES)[number];

/**
 * Whether a request in this state is an open item of the Needs attention inbox:
 * 'held' while it is in the state (it holds its card's queue), 'until closed'
 * until an operator closes it or queues a corrected copy in its place.
 */
export type AttentionRule = 'no' | 'held' | 'until closed';

export interface LocalStateRow {
  /** The operator's word for it, on every screen and in the README. */
  label: string;
  /** What it means, in the README's words (without its markdown). */
  meaning: string;
  /** Still to be sent (or settled) from this computer: it has an outbox entry. */
  inOutbox: boolean;
  /** Nothing more happens to it by itself. */
  finished: boolean;
  attention: AttentionRule;
  /** Only the head-end it was sent to can finish or settle it: the desk may not switch connections under it. */
  awaitsItsHeadend: boolean;
}

export const LOCAL_STATE_TABLE = {
  QUEUED: {
    label: 'Queued',
    meaning: 'Saved on this computer. It survives a crash, a restart or days offline. Nothing has gone to the head-end yet.',
    inOutbox: true,
    finished: false,
    attention: 'no',
    awaitsItsHeadend: false,
  },
  SENDING: {
    label: 'Sending',
    meaning: 'CA Desk has started to send it. If the link or the app dies right now, we do not know whether the head-end got it — see Outcome unknown.',
    inOutbox: true,
    finished: false,
    attention: 'no',
    awaitsItsHeadend: true,
  },
  UNKNOWN: {
    label: 'Outcome unknown',
    meaning:
      'It may or may not have reached the head-end: the answer was lost, late, unreadable, not about this request, or an error that does not prove it was refused (SYSTEM_ERROR, a 5xx page). ' +
      'The head-end does not recognise duplicates, so CA Desk never resends blindly: it asks the head-end whether the request is there (every request carries its own id in udf_string_8), and resends only when a complete listing proves it never arrived. ' +
      'Later requests for the same smartcard wait until it is settled.',
    inOutbox: true,
    finished: false,
    attention: 'held',
    awaitsItsHeadend: true,
  },
  RETRY_WAIT: {
    label: 'Retry wait',
    meaning:
      'It certainly did not reach the head-end (link down, connection refused, login failed, rate limited). CA Desk retries by itself, waiting longer each time, and stops hammering a head-end that is down.',
    inOutbox: true,
    finished: false,
    attention: 'no',
    awaitsItsHeadend: false,
  },
  ACKNOWLEDGED: {
    label: 'Acknowledged',
    meaning:
      'The head-end has created the request (it has a head-end number) and will process it; its state there is PENDING. CA Desk keeps asking until it is finished. A PIN is wiped from this computer at this point. ' +
      'The next request for the same smartcard is sent once this one is finished.',
    inOutbox: false,
    finished: false,
    attention: 'no',
    awaitsItsHeadend: true,
  },
  COMPLETED: {
    label: 'Completed',
    meaning: 'The head-end processed it and it took effect (with its reference number).',
    inOutbox: false,
    finished: true,
    attention: 'no',
    awaitsItsHeadend: false,
  },
  REJECTED: {
    label: 'Rejected',
    meaning:
      "The head-end processed it and refused it (with the head-end's error code and words). It stays in Needs attention, and later requests for the same smartcard wait behind it, " +
      'until you queue a corrected copy in its place (it goes first) or close it as checked. Your name and reason are recorded.',
    inOutbox: false,
    finished: true,
    attention: 'until closed',
    awaitsItsHeadend: false,
  },
  NEEDS_ATTENTION: {
    label: 'Needs attention',
    meaning:
      'The head-end refused it before creating it, for a reason retrying cannot fix (a wrong serial, a card of another subscription, …). Later requests for the same smartcard wait behind it. ' +
      'Retry, edit or discard it; every action is recorded with your name and reason. Nothing is ever deleted automatically.',
    inOutbox: true,
    finished: false,
    attention: 'held',
    awaitsItsHeadend: false,
  },
  DISCARDED: {
    label: 'Discarded',
    meaning: 'You withdrew it before the head-end had it. It stays in the history.',
    inOutbox: false,
    finished: true,
    attention: 'no',
    awaitsItsHeadend: false,
  },
} as const satisfies Record<LocalState, LocalStateRow>;

/** error_code of a request whose arrival only the operator can settle, by looking at the head-end. */
export const VERIFY_AT_HEADEND = 'VERIFY_AT_HEADEND';

/** A state the operator sees apart, told by its error_code (a row of the README's table of its own). */
export const LOCAL_STATE_VARIANTS = {
  [VERIFY_AT_HEADEND]: {
    state: 'NEEDS_ATTENTION',
    label: 'Needs attention: verify at the head-end',
    meaning:
      'It may have reached the head-end, and the head-end cannot prove either way (its list has no paging, or does not show our id). ' +
      'Look for it at the head-end, then press It arrived (type its head-end number, or leave it empty to mark it done) or It did not arrive: send again. ' +
      'Your name and reason are recorded. Later requests for the same smartcard wait until you do.',
  },
} as const satisfies Record<string, { state: LocalState; label: string; meaning: string }>;

const statesWhere = (keep: (row: LocalStateRow) => boolean): readonly LocalState[] =>
  LOCAL_STATES.filter((state) => keep(LOCAL_STATE_TABLE[state]));

/** States after which nothing more happens to a request. */
export const FINISHED_LOCAL_STATES = statesWhere((row) => row.finished);
/** States of requests still in the outbox: not yet acknowledged by the head-end nor finished. */
export const OUTBOX_LOCAL_STATES = statesWhere((row) => row.inOutbox);
/** Sent, and the head-end's answer still owed: switching to another connection would ask the wrong head-end. */
export const AWAITING_ITS_HEADEND_STATES = statesWhere((row) => row.awaitsItsHeadend);
/** Open attention items while in these states (they hold their card's queue). */
export const ATTENTION_HELD_STATES = statesWhere((row) => row.attention === 'held');
/** Open attention items until an operator closes them (or queues a corrected copy). */
export const ATTENTION_UNTIL_CLOSED_STATES = statesWhere((row) => row.attention === 'until closed');

/** What must also be true of the request for a transition (besides its state). */
export type TransitionCondition = 'outcome known' | 'outcome unknown' | 'rejection open';

export interface TransitionRow {
  /** Who makes it: the sync engine, the store on its own (recovery), or an operator (recorded with their name). */
  by: 'sync' | 'store' | 'operator';
  from: readonly LocalState[];
  to: readonly LocalState[];
  requires?: TransitionCondition;
}

/**
 * Every change of a request's state (and the two operator actions that close
 * a rejection without changing it). The store refuses a transition from any
 * other state, and a transition that would lead elsewhere.
 */
export const TRANSITIONS = {
  markSending: { by: 'sync', from: ['QUEUED', 'RETRY_WAIT'], to: ['SENDING'] },
  markAcknowledged: { by: 'sync', from: ['SENDING'], to: ['ACKNOWLEDGED'] },
  markFinal: { by: 'sync', from: ['SENDING', 'ACKNOWLEDGED'], to: ['COMPLETED', 'REJECTED'] },
  markUnknown: { by: 'sync', from: ['SENDING'], to: ['UNKNOWN'] },
  scheduleRetry: { by: 'sync', from: ['SENDING', 'QUEUED', 'RETRY_WAIT'], to: ['RETRY_WAIT'] },
  markNeedsAttention: { by: 'sync', from: ['QUEUED', 'SENDING', 'UNKNOWN', 'RETRY_WAIT'], to: ['NEEDS_ATTENTION'] },
  /** A lookup settled an unknown outcome: not there (send again), or there in its head-end state. */
  markReconciled: { by: 'sync', from: ['UNKNOWN'], to: ['QUEUED', 'ACKNOWLEDGED', 'COMPLETED', 'REJECTED'] },
  /** At start: a send that was under way when CA Desk stopped. */
  recover: { by: 'store', from: ['SENDING'], to: ['UNKNOWN'] },
  /** After a backup is restored: everything still to send may have been sent after the backup. */
  holdAfterRestore: { by: 'store', from: ['QUEUED', 'RETRY_WAIT', 'SENDING', 'UNKNOWN'], to: ['NEEDS_ATTENTION'] },
  /** Back to QUEUED, or to UNKNOWN when an earlier send may have arrived (looked up first). */
  retry: { by: 'operator', from: ['NEEDS_ATTENTION', 'RETRY_WAIT'], to: ['QUEUED', 'UNKNOWN'] },
  edit: { by: 'operator', from: ['QUEUED', 'RETRY_WAIT', 'NEEDS_ATTENTION'], to: ['QUEUED'], requires: 'outcome known' },
  discard: { by: 'operator', from: ['QUEUED', 'RETRY_WAIT', 'NEEDS_ATTENTION', 'UNKNOWN'], to: ['DISCARDED'] },
  /** "It arrived": with its head-end number it is followed as ACKNOWLEDGED, without one it was seen done. */
  confirmArrived: { by: 'operator', from: ['UNKNOWN', 'NEEDS_ATTENTION'], to: ['ACKNOWLEDGED', 'COMPLETED'], requires: 'outcome unknown' },
  // Only once the lookups have given up (VERIFY_AT_HEADEND): while UNKNOWN the
  // head-end may still be creating it, and an operator who looks too early sees
  // nothing and would make a duplicate.
  confirmNotArrived: { by: 'operator', from: ['NEEDS_ATTENTION'], to: ['QUEUED'], requires: 'outcome unknown' },
  /** The operator checked a rejection: nothing more to do. */
  close: { by: 'operator', from: ['REJECTED'], to: ['REJECTED'], requires: 'rejection open' },
  /** A corrected copy was queued in place of a rejection (it takes the rejection's place in its card's queue). */
  replace: { by: 'operator', from: ['REJECTED'], to: ['REJECTED'], requires: 'rejection open' },
} as const satisfies Record<string, TransitionRow>;
export type TransitionKind = keyof typeof TRANSITIONS;

/** The history events that close a rejection: `close` records 'verified', `replace` records 'replaced'. */
export const REJECTION_CLOSING_KINDS = ['verified', 'replaced'] as const;

/** Why a request cannot take a transition whose condition it fails. */
export const CONDITION_REFUSALS: Record<TransitionCondition, string> = {
  'outcome known': 'an earlier send may have reached the head-end',
  'outcome unknown': 'no send of it has an unknown outcome',
  'rejection open': 'this rejection is already closed',
};

export interface RequestFacts {
  local_state: LocalState;
  outcome_unknown: boolean;
  /** For REJECTED: no operator has closed it (or replaced it) yet. */
  rejectionOpen?: boolean;
}

/** Null when `kind` may be applied to a request with these facts; otherwise why not. */
export function transitionRefusal(kind: TransitionKind, request: RequestFacts): string | null {
  const row: TransitionRow = TRANSITIONS[kind];
  if (!row.from.includes(request.local_state)) return `allowed only from ${row.from.join(', ')}`;
  const met =
    row.requires === undefined ||
    (row.requires === 'outcome known' && !request.outcome_unknown) ||
    (row.requires === 'outcome unknown' && request.outcome_unknown) ||
    (row.requires === 'rejection open' && request.rejectionOpen === true);
  return met ? null : CONDITION_REFUSALS[row.requires!];
}

export const transitionAllowed = (kind: TransitionKind, request: RequestFacts): boolean => transitionRefusal(kind, request) === null;

/** The operator actions a state allows (before any condition on the request itself). */
export function operatorActionsIn(state: LocalState): TransitionKind[] {
  return (Object.keys(TRANSITIONS) as TransitionKind[]).filter((kind) => {
    const row: TransitionRow = TRANSITIONS[kind];
    return row.by === 'operator' && row.from.includes(state);
  });
}

/**
 * When a card's next request may be sent. 'finished' (default): once the
 * head-end has processed the previous one (COMPLETED or REJECTED): one open
 * request per card, so effects happen in the operator's order whatever the
 * head-end's priorities. 'acknowledged': once the head-end has created it.
 */
export const CARD_ORDERS = ['finished', 'acknowledged'] as const;
export type CardOrder = (typeof CARD_ORDERS)[number];
export const DEFAULT_CARD_ORDER: CardOrder = 'finished';
