import os from 'node:os';

// How the Electron child of `npm start` ended, and what `npm start` does next.
// The shell exits with STARTUP_FAILED_EXIT_CODE after showing its error box
// (electron/main/main.ts), so a failed start is told apart from a normal quit.

export const STARTUP_FAILED_EXIT_CODE = 78;

/** Signals an operator (or a service manager) uses to stop a program: not a crash. */
const STOP_SIGNALS = new Set<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGHUP']);

export type ElectronExit =
  | { kind: 'closed' }
  | { kind: 'stopped'; signal: NodeJS.Signals; exitCode: number }
  | { kind: 'failed'; reason: string; exitCode: number };

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 0);
}

export function classifyElectronExit(code: number | null, signal: NodeJS.Signals | null): ElectronExit {
  if (signal !== null) {
    if (STOP_SIGNALS.has(signal)) return { kind: 'stopped', signal, exitCode: signalExitCode(signal) };
    return { kind: 'failed', reason: `Electron was killed by ${signal}`, exitCode: signalExitCode(signal) };
  }
  if (code === 0) return { kind: 'closed' };
  if (code === STARTUP_FAILED_EXIT_CODE) return { kind: 'failed', reason: 'the Electron window could not start (see the message above)', exitCode: 1 };
  return { kind: 'failed', reason: `Electron exited with code ${code ?? 'unknown'}`, exitCode: code ?? 1 };
}
