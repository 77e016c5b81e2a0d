import { Metrics } from '@fpms/common/metrics/metrics';

/** Socket.IO on this gateway replica: open sockets (read when scraped), connections accepted and refused. */
export function realtimeMetrics(metrics: Metrics, openSockets: () => number) {
  metrics.gauge({
    name: 'fpms_socket_connections',
    help: 'Realtime sockets open on this gateway replica',
    collect: (gauge) => gauge.set(openSockets()),
  });
  return {
    opened: metrics.counter({ name: 'fpms_socket_connections_opened_total', help: 'Realtime sockets accepted (token valid)' }),
    refused: metrics.counter({
      name: 'fpms_socket_connections_refused_total',
      help: 'Realtime connections refused at the handshake (missing, invalid or expired token)',
    }),
  };
}
