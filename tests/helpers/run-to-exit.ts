import { spawn } from 'node:child_process';

/**
 * Runs a built service (`main`, e.g. services/payments/dist/main.js) with only `env` and PATH, and resolves
 * with its exit code and output once it exits — for start refusals, which must end the process before it
 * connects to anything. Rejects (and kills it) if it is still running after `timeoutMs`.
 */
export function runToExit(
  main: string,
  env: Record<string, string>,
  opts: { cwd: string; timeoutMs?: number },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [main], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (d) => (output += d));
    proc.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`did not exit; output: ${output.slice(-2000)}`));
    }, opts.timeoutMs ?? 30_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
