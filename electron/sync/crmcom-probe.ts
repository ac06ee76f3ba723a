import { CLIENT_UUID_UDF, clientUuidOf } from '../../shared/domain/client-uuid';
import { CRMCOM_CAPABILITIES, CRMCOM_CAPABILITY_IDS, type CrmcomCapability } from '../../shared/domain/crmcom-v4';
import { HEADEND_PROFILES } from '../../shared/domain/headend-profiles';
import type { Provider } from '../../shared/domain/request-types';
import type { ConnectionTestResult } from '../../shared/ipc/app-schemas';
import { interpretShowAnswer } from './answer-parsing';
import { CrmcomConnection, type CrmcomConnectionOptions } from './crmcom-connection';
import { LoginFailure } from './headend-session';
import { tokenExpiresAt } from './token-expiry';

// "Test connection" against a CRM.COM V4 server: login, when the token dies,
// the server's clock against ours, and which capabilities answer. Only reads:
// a POST would create a request (the server does not deduplicate), so the
// POST-only capabilities are reported untestable and left to the operator.

/** A request this desk sent that the server should hold: read back to see whether our UUID comes with it. */
export interface KnownRequest {
  number: string;
  clientUuid: string;
}

type Probe = ConnectionTestResult['capabilities'][number];

const UNTESTABLE_POST = 'only a POST would tell, and a POST creates a request: ask the CRM.COM administrator whether the server offers it';

export async function probeCrmcom(
  options: Omit<CrmcomConnectionOptions, 'now' | 'log'>,
  provider: Provider,
  known: KnownRequest | null,
): Promise<Omit<ConnectionTestResult, 'provider'>> {
  // Our UUID must not be stripped from the answer while we look for it.
  const connection = new CrmcomConnection({ ...options, capabilities: { ...options.capabilities, echoesClientUuid: true } });
  const started = performance.now();
  try {
    let token: string;
    try {
      token = await connection.session.token();
    } catch (error) {
      const message = error instanceof LoginFailure ? error.message : String(error);
      // A refusal is an answer: the server is there. Only a transport failure means it was not reached.
      const reached = error instanceof LoginFailure && error.code !== 'LOGIN_TRANSPORT';
      return { reachable: reached, latencyMs: null, message: `${provider}: ${message}`, login: 'failed', tokenExpiresAt: null, clockSkewMs: connection.clockSkewMs, capabilities: [] };
    }
    const latencyMs = Math.round(performance.now() - started);
    const capabilities = await Promise.all(CRMCOM_CAPABILITY_IDS.map((id) => probeOne(connection, id, provider, known)));
    return {
      reachable: true,
      latencyMs,
      message: `${provider} answered in ${latencyMs} ms (logged in to the ${HEADEND_PROFILES['crmcom-v4'].label})`,
      login: 'ok',
      tokenExpiresAt: tokenExpiresAt(token, Date.now(), options.release, connection.clockSkewMs),
      clockSkewMs: connection.clockSkewMs,
      capabilities,
    };
  } finally {
    await connection.close();
  }
}

async function probeOne(connection: CrmcomConnection, capability: CrmcomCapability, provider: Provider, known: KnownRequest | null): Promise<Probe> {
  const label = CRMCOM_CAPABILITIES[capability].label;
  if (capability !== 'echoesClientUuid') return { capability, label, result: 'untestable', detail: UNTESTABLE_POST };
  if (known === null) {
    return { capability, label, result: 'untestable', detail: `no ${provider} request sent by this desk to read back yet: test again after the first one, or ask the CRM.COM administrator` };
  }
  const answer = await connection.getWithToken(HEADEND_PROFILES['crmcom-v4'].providers[provider].show, {
    provisioning_request_identifier: { number: known.number },
    fields_set: `id,number,${CLIENT_UUID_UDF}`,
  });
  const shown = answer.envelope === undefined ? null : interpretShowAnswer(answer.envelope);
  if (shown === null || shown.kind !== 'ok') {
    const why = shown === null ? `HTTP ${answer.httpStatus}` : `${shown.code}: ${shown.description}`;
    return { capability, label, result: 'untestable', detail: `request ${known.number} could not be read back (${why})` };
  }
  const echoed = clientUuidOf(shown.data);
  return echoed === known.clientUuid.toLowerCase()
    ? { capability, label, result: 'answers', detail: `request ${known.number} came back with our UUID in ${CLIENT_UUID_UDF}` }
    : { capability, label, result: 'does-not-answer', detail: `request ${known.number} came back without our UUID in ${CLIENT_UUID_UDF}` };
}
