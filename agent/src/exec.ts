import { execFile } from 'node:child_process';

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs a program with an argument array, never through a shell. The real one is execFile; the
 * simulated host answers the same argv with the same output, so argument building and output
 * parsing are one code path for both.
 */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<CommandOutput>;

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    /** ENOENT when the program is not installed. */
    readonly spawnCode?: string,
  ) {
    super(`${command} ${args.join(' ')}: ${stderr.trim() || (spawnCode ? `cannot run (${spawnCode})` : `exit ${exitCode}`)}`);
    this.name = 'CommandError';
  }
}

export function execRunner(options: { timeoutMs?: number; paths?: Partial<Record<string, string>> } = {}): CommandRunner {
  return (command, args) =>
    new Promise((resolve, reject) => {
      // A full path per program where PATH would find the wrong one (busybox's `ip` applet).
      execFile(options.paths?.[command] ?? command, [...args], { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          reject(new CommandError(command, args, typeof code === 'number' ? code : null, stderr, typeof code === 'string' ? code : undefined));
          return;
        }
        resolve({ stdout, stderr });
      });
    });
}
