import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/toolgate.mjs', import.meta.url));

/** How a finished run of the command-line tool ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** A running `node bin/toolgate.mjs …`, its output collected as it comes. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  private readonly exited: Promise<CliResult>;
  private readonly listeners = new Set<() => void>();

  constructor(args: string[], env: Record<string, string>, cwd: string) {
    this.child = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.child);
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const listener of this.listeners) listener();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      for (const listener of this.listeners) listener();
    });
    this.exited = once(this.child, 'close').then(([code]) => {
      running.delete(this.child);
      for (const listener of this.listeners) listener();
      return { code: code as number | null, stdout: this.stdout, stderr: this.stderr };
    });
  }

  /** Resolves with the first stdout line matching `pattern`; rejects if the process ends first. */
  waitForLine(pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.stdout.split('\n').find((candidate) => pattern.test(candidate));
        if (line !== undefined) {
          this.listeners.delete(check);
          resolve(line);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          this.listeners.delete(check);
          reject(new Error(`exited before printing ${pattern}:\n${this.stdout}\n${this.stderr}`));
        }
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends Ctrl+C and waits for the process to end. */
  interrupt(): Promise<CliResult> {
    this.child.kill('SIGINT');
    return this.exited;
  }

  finished(): Promise<CliResult> {
    return this.exited;
  }
}

/** Runs the command-line tool to completion. */
export function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  return new CliProcess(args, env, cwd).finished();
}

/** Ends any run a failed test left behind, each by its own process id. */
export function stopRunningCli(): void {
  for (const child of running) if (child.pid) process.kill(child.pid, 'SIGKILL');
}
