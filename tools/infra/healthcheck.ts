/**
 * The image's HEALTHCHECK: `healthcheck.js [path] [port]` exits 0 when this container
 * answers 2xx on 127.0.0.1:<port><path> (default `/health/ready` on HTTP_PORT), 1
 * otherwise. Plain `fetch` with a short timeout: no curl in the runtime image.
 */
async function main(): Promise<void> {
  const path = process.argv[2] ?? '/health/ready';
  const port = Number(process.argv[3] ?? process.env.HTTP_PORT ?? 3000);
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
  process.exit(response.ok ? 0 : 1);
}

main().catch(() => process.exit(1));
