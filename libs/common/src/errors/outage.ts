/**
 * Errors that say "a dependency is down right now", not "this request is wrong" or "the
 * code is wrong": PostgreSQL restarting or unreachable, the RabbitMQ connection or channel
 * closing under a request. They become 503 (retry later), never 500.
 */
export type OutageDependency = 'database' | 'broker' | 'dependency';

// Socket-level failures, wherever they come from (pg, amqplib, net).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// SQLSTATE: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting
// up / shutting down), 53300 too_many_connections; class 08 is connection exceptions.
const PG_OUTAGE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
// node-postgres and TypeORM report a dropped or unusable connection only in the message.
const PG_OUTAGE_MESSAGE =
  /Connection terminated|connection terminated unexpectedly|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Connection is not established/i;
// amqplib / amqp-connection-manager when the channel or connection closes mid-operation.
const BROKER_OUTAGE_MESSAGE =
  /^(Channel (closed|ended)|Connection (closed|ended)|Socket closed abruptly|Channel ended, no reply will be forthcoming|CONNECTION_FORCED|Unexpected close|Broker connection lost)/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/** Which dependency an error shows to be down, or undefined if it is not an outage. */
export function outageDependency(error: unknown, depth = 0): OutageDependency | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const e = error as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  const name = typeof e.name === 'string' ? e.name : '';
  if (code && (PG_OUTAGE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return 'database';
  if (PG_OUTAGE_MESSAGE.test(message)) return 'database';
  // TypeORM releases a query runner whose connection died; the next query or the COMMIT
  // of that transaction then fails with this (the transaction did not commit).
  if (/^QueryRunner(Provider)?AlreadyReleasedError$/.test(name)) return 'database';
  if (name === 'IllegalOperationError' || BROKER_OUTAGE_MESSAGE.test(message)) return 'broker';
  // TypeORM wraps the driver's error (QueryFailedError.driverError); others set `cause`.
  const inner = outageDependency(e.driverError, depth + 1) ?? outageDependency(e.cause, depth + 1);
  if (inner) return inner;
  // A bare socket error: some dependency (database, broker, object store) is unreachable.
  return code && NETWORK_CODES.has(code) ? 'dependency' : undefined;
}
