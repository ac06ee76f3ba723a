import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Chromium's sandbox on Linux needs unprivileged user namespaces or a SUID
// `chrome-sandbox` helper. Where it can have neither, Electron aborts before
// our code runs; CA Desk never switches the sandbox off to get round that
// (--no-sandbox), so these cases are named before Electron is spawned.

export interface LinuxSandboxFacts {
  platform: NodeJS.Platform;
  uid: number | null;
  /** Ubuntu ≥ 24.04: kernel.apparmor_restrict_unprivileged_userns = 1. */
  appArmorRestrictsUserns: boolean;
  /** Older Debian: kernel.unprivileged_userns_clone = 0. */
  usernsCloneDisabled: boolean;
  /** Owner and mode of the Electron distribution's chrome-sandbox, or null when absent. */
  chromeSandbox: { uid: number; mode: number } | null;
}

const BROWSER_MODE_HINT = 'Browser mode runs the same console without Electron: npm start -- --browser';

function suidHelperReady(helper: LinuxSandboxFacts['chromeSandbox']): boolean {
  return helper !== null && helper.uid === 0 && (helper.mode & 0o4000) !== 0;
}

/** Why Electron's sandbox cannot start here (with the way out), or null. */
export function linuxSandboxProblem(facts: LinuxSandboxFacts): string | null {
  if (facts.platform !== 'linux') return null;
  if (facts.uid === 0) {
    return [
      'Electron refuses to run as root with its sandbox on, and CA Desk does not switch the sandbox off.',
      'Start CA Desk as your own (non-root) user.',
      BROWSER_MODE_HINT,
    ].join('\n');
  }
  if (suidHelperReady(facts.chromeSandbox)) return null;
  if (facts.appArmorRestrictsUserns) {
    return [
      'This system restricts unprivileged user namespaces through AppArmor (Ubuntu 24.04 and later), so an Electron',
      'started from node_modules cannot sandbox its windows. Ways out, none of which switches the sandbox off:',
      '  - install the CA Desk .deb package: it installs an AppArmor profile that allows it;',
      '  - or make the development helper SUID: sudo chown root:root node_modules/electron/dist/chrome-sandbox',
      '    && sudo chmod 4755 node_modules/electron/dist/chrome-sandbox;',
      `  - or: ${BROWSER_MODE_HINT}`,
    ].join('\n');
  }
  if (facts.usernsCloneDisabled) {
    return [
      'This kernel disables unprivileged user namespaces (kernel.unprivileged_userns_clone = 0) and Electron\'s',
      'chrome-sandbox helper is not SUID root, so Electron cannot sandbox its windows.',
      'Make the helper SUID (sudo chown root:root node_modules/electron/dist/chrome-sandbox && sudo chmod 4755 …),',
      `or: ${BROWSER_MODE_HINT}`,
    ].join('\n');
  }
  return null;
}

function sysctlIs(file: string, value: string): boolean {
  try {
    return readFileSync(file, 'utf8').trim() === value;
  } catch {
    return false;
  }
}

/** Reads the facts for the Electron binary about to be spawned. */
export function readLinuxSandboxFacts(electronBinary: string): LinuxSandboxFacts {
  let chromeSandbox: LinuxSandboxFacts['chromeSandbox'] = null;
  try {
    const stat = statSync(path.join(path.dirname(electronBinary), 'chrome-sandbox'));
    chromeSandbox = { uid: stat.uid, mode: stat.mode };
  } catch {
    chromeSandbox = null;
  }
  return {
    platform: process.platform,
    uid: typeof process.getuid === 'function' ? process.getuid() : null,
    appArmorRestrictsUserns: sysctlIs('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '1'),
    usernsCloneDisabled: sysctlIs('/proc/sys/kernel/unprivileged_userns_clone', '0'),
    chromeSandbox,
  };
}
