import { capabilityNeeded, CRMCOM_CAPABILITIES, type CrmcomCapabilities } from './crmcom-v4';
import { HEADEND_PROFILES, type HeadendProfileId } from './headend-profiles';
import { REQUEST_DEFINITIONS } from './request-catalog';
import type { Provider } from './request-types';

// Which request kinds a connection can send, and why not. The sync engine
// never sends a kind its connection cannot send; the compose screen hides it
// and says why (IPC connections.sendable).

export type KindSendability =
  | { provider: Provider; method: string; sendable: true; reason: null }
  | { provider: Provider; method: string; sendable: false; reason: string };

export function kindSendability(
  profile: HeadendProfileId,
  capabilities: CrmcomCapabilities,
  provider: Provider,
  method: string,
  documented: boolean,
): KindSendability {
  // Profiles without the CRM.COM options (the TCP gateway) speak our documented protocol: every kind.
  if (!HEADEND_PROFILES[profile].crmcomOptions) return { provider, method, sendable: true, reason: null };
  const needed = capabilityNeeded(provider, method, documented);
  if (needed === null || capabilities[needed]) return { provider, method, sendable: true, reason: null };
  const capability = CRMCOM_CAPABILITIES[needed];
  return {
    provider,
    method,
    sendable: false,
    reason: `${HEADEND_PROFILES[profile].label}: ${capability.why} Turn on "${capability.label}" in the connection settings only if your server offers it.`,
  };
}

/** Every request kind of the catalog with whether this connection can send it. */
export function sendableKinds(profile: HeadendProfileId, capabilities: CrmcomCapabilities): KindSendability[] {
  return REQUEST_DEFINITIONS.map((d) => kindSendability(profile, capabilities, d.provider, d.method, d.documented));
}
