import { ConfigError } from '../config/load-config';

/**
 * Entry point wrapper for a service's main.ts: configuration problems are printed as a
 * plain list naming each variable and stop the process with exit code 78 (EX_CONFIG);
 * anything else is printed and exits 1.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: cannot start. ${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`${service}: failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  });
}
