// npm run headend -- --tcp-port 7001 --http-port 7002 --data-dir .tmp/headend --seed-size small
// Starts the sandbox head-end standalone, prints where it listens and who logs
// in (never a password or token), and stops cleanly on SIGINT/SIGTERM.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger, formatRecord, logLevelFromEnv } from '../logging/logger';
import { CRMCOM_RELEASE_IDS, crmcomReleaseSchema, type CrmcomRelease } from '../../shared/domain/crmcom-v4';
import { DEFAULT_CRMCOM_RELEASE, SEED_SIZES, type HeadendOptions } from './headend-options';
import { startHeadend, type RunningHeadend } from './start-headend';

const USAGE = `Usage: npm run headend -- [options]
  --host <addr>                   listen address (default 127.0.0.1)
  --tcp-port <n>                  Nagravision TCP port (default 0: any free port)
  --http-port <n>                 HTTP port: login, Conax, catalog, control (default 0)
  --data-dir <dir>                SQLite folder (default .tmp/sandbox-headend)
  --seed-size tiny|small|full     catalog size (default full: 10k subscriptions)
  --seed <n>                      catalog seed
  --username/--password/--organisation <s>   login credentials
  --destination-id <s>            Nagravision destination id
  --processing-delay-ms <n>       delay before a PENDING request is processed (default 2000)
  --processing-interval-ms <n>    period of the processing run (default 250)
  --jitter-ms <n>                 random extra delay per TCP answer (default 0)
  --token-idle-timeout-ms <n>     token idle expiry (default 3600000)
  --crmcom-release R11|R12|R13|R17_3   release the /crmapi/rest/v2 profile behaves as (default R17_3;
                                  also at run time: POST /sandbox/control/release)
  --latency-ms <n>  --drop-after-frames <n>  --answer-never  --half-close-after-frames <n>
  --garbage-after-frames <n>  --http-drop-after-requests <n>  --reject-rate <0..1>  --fault-limit <n>
                                  fault knobs (also settable at run time: POST /sandbox/control/faults)`;

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a whole number`);
  return Number(value);
}

export function optionsFromArgs(argv: string[]): HeadendOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      host: { type: 'string' },
      'tcp-port': { type: 'string' },
      'http-port': { type: 'string' },
      'data-dir': { type: 'string' },
      'seed-size': { type: 'string' },
      seed: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      organisation: { type: 'string' },
      'destination-id': { type: 'string' },
      'processing-delay-ms': { type: 'string' },
      'processing-interval-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      'token-idle-timeout-ms': { type: 'string' },
      'crmcom-release': { type: 'string' },
      'latency-ms': { type: 'string' },
      'drop-after-frames': { type: 'string' },
      'answer-never': { type: 'boolean' },
      'half-close-after-frames': { type: 'string' },
      'garbage-after-frames': { type: 'string' },
      'http-drop-after-requests': { type: 'string' },
      'reject-rate': { type: 'string' },
      'fault-limit': { type: 'string' },
    },
  });
  if (values.help) return 'help';
  const seedSize = values['seed-size'] ?? 'full';
  if (!(seedSize in SEED_SIZES)) throw new Error(`--seed-size must be one of ${Object.keys(SEED_SIZES).join(', ')}`);
  const rejectRate = values['reject-rate'] === undefined ? undefined : Number(values['reject-rate']);
  if (rejectRate !== undefined && !(rejectRate >= 0 && rejectRate <= 1)) throw new Error('--reject-rate must be between 0 and 1');
  const faults = Object.fromEntries(
    Object.entries({
      latencyMs: int('latency-ms', values['latency-ms']),
      dropAfterFrames: int('drop-after-frames', values['drop-after-frames']),
      answerNever: values['answer-never'],
      halfCloseAfterFrames: int('half-close-after-frames', values['half-close-after-frames']),
      garbageAfterFrames: int('garbage-after-frames', values['garbage-after-frames']),
      httpDropAfterRequests: int('http-drop-after-requests', values['http-drop-after-requests']),
      rejectRate,
      connectionFaultLimit: int('fault-limit', values['fault-limit']),
    }).filter(([, v]) => v !== undefined),
  );
  const release = values['crmcom-release'];
  if (release !== undefined && !crmcomReleaseSchema.safeParse(release).success) {
    throw new Error(`--crmcom-release must be one of ${CRMCOM_RELEASE_IDS.join(', ')}`);
  }
  return {
    host: values.host,
    tcpPort: int('tcp-port', values['tcp-port']),
    httpPort: int('http-port', values['http-port']),
    dataDir: path.resolve(values['data-dir'] ?? '.tmp/sandbox-headend'),
    seedSize: seedSize as keyof typeof SEED_SIZES,
    seed: int('seed', values.seed),
    credentials: {
      ...(values.username !== undefined && { username: values.username }),
      ...(values.password !== undefined && { password: values.password }),
      ...(values.organisation !== undefined && { organisation: values.organisation }),
    },
    destinationId: values['destination-id'],
    processingDelayMs: int('processing-delay-ms', values['processing-delay-ms']),
    processingIntervalMs: int('processing-interval-ms', values['processing-interval-ms']),
    answerJitterMs: int('jitter-ms', values['jitter-ms']),
    tokenIdleTimeoutMs: int('token-idle-timeout-ms', values['token-idle-timeout-ms']),
    crmcomRelease: release as CrmcomRelease | undefined,
    faults,
    logger: createLogger({ level: logLevelFromEnv(), sink: (record) => console.log(`[headend] ${formatRecord(record)}`) }),
  };
}

/** What the CLI prints once listening: where, and who logs in; never a password or token. */
export function startupBanner(headend: RunningHeadend, options: HeadendOptions): string {
  const password =
    options.credentials?.password === undefined
      ? 'the sandbox default (see docs/protocol.md)'
      : '(custom, not shown)';
  return [
    'CA Desk sandbox head-end running',
    `  Nagravision TCP : ${options.host ?? '127.0.0.1'}:${headend.tcpPort} (destination_id ${headend.destinationId})`,
    `  HTTP            : ${headend.baseUrl} (login, Conax, /sandbox/catalog)`,
    `  CRM.COM V4      : ${headend.crmcomUrl} (release ${options.crmcomRelease ?? DEFAULT_CRMCOM_RELEASE}; Web API key login too)`,
    `  control         : ${headend.controlUrl} (header X-Sandbox-Control: ${headend.controlSecret})`,
    `  login           : username ${headend.credentials.username}, organisation ${headend.credentials.organisation}, password: ${password}`,
    `  data            : ${headend.dataDir}`,
  ].join('\n');
}

async function main(): Promise<void> {
  let options: HeadendOptions | 'help';
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const headend = await startHeadend(options);
  console.log(startupBanner(headend, options));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[headend] ${signal}: stopping`);
    headend.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[headend] failed to stop cleanly: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isEntryPoint) {
  main().catch((error: unknown) => {
    console.error(`[headend] failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
