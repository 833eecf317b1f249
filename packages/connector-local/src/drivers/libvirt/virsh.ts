import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorError, type ConnectorErrorKind } from '@levante/connector-api';

/** What virsh's messages mean, first match wins (virsh says "error: …" on stderr and exits 1). */
const ERROR_KINDS: readonly [RegExp, ConnectorErrorKind][] = [
  [/failed to get domain|domain not found|no domain with matching/i, 'NotFound'],
  [
    /failed to connect|cannot recv data|end of file while reading|connection reset|no connection driver/i,
    'ProviderUnavailable',
  ],
  [/authentication failed|access denied|permission denied/i, 'AuthError'],
  [/operation is not valid|not running|already active|domain is not|invalid argument/i, 'InvalidRequest'],
];

/** The error kind virsh's stderr stands for; ProviderUnavailable when it says nothing we know. */
export function virshErrorKind(stderr: string): ConnectorErrorKind {
  return ERROR_KINDS.find(([pattern]) => pattern.test(stderr))?.[1] ?? 'ProviderUnavailable';
}

/** Runs `virsh -q -c <uri> …` subprocesses, one per call, with a time limit. */
export class Virsh {
  readonly binary: string;
  readonly uri: string;
  readonly timeoutMs: number;

  constructor(binary: string, uri: string, timeoutMs: number) {
    this.binary = binary;
    this.uri = uri;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Defines (or redefines) a persistent domain from its XML. virsh reads the
   * XML from a file (it cannot open a pipe as /dev/stdin), so it goes through a private temporary one.
   */
  async define(xml: string): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'levante-virsh-'));
    try {
      const file = join(dir, 'domain.xml');
      await writeFile(file, xml, { mode: 0o600 });
      await this.run(['define', file]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Runs one command and returns its stdout. */
  run(args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, ['-q', '-c', this.uri, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: this.timeoutMs,
        killSignal: 'SIGKILL',
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT';
        reject(
          new ConnectorError(
            'ProviderUnavailable',
            missing
              ? `The libvirt driver cannot run ${this.binary}: not found. Install libvirt-clients or set libvirt.virsh.`
              : `virsh failed: ${error.message}`,
            { cause: error },
          ),
        );
      });
      child.once('close', (code, signal) => {
        if (code === 0) return resolve(stdout);
        const said = stderr
          .split('\n')
          .map((line) => line.replace(/^error:\s*/, '').trim())
          .filter(Boolean)
          .join('; ');
        const why = signal ? `stopped after ${this.timeoutMs} ms` : said || `exit code ${code}`;
        reject(new ConnectorError(virshErrorKind(stderr), `libvirt (${args[0]}): ${why}`));
      });
    });
  }
}
