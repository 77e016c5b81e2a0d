/**
 * The floor's other side, run as its own process by the gateway benchmark:
 * `node echo-responder.js <amqp url> <queue>`. Consumes with manual ack and a prefetch
 * (as the services do), answers each request with a small JSON body at once.
 */
import * as amqplib from 'amqplib';

async function main(): Promise<void> {
  const [url, queue] = process.argv.slice(2);
  const connection = await amqplib.connect(url, { noDelay: true });
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: false, autoDelete: true });
  await channel.prefetch(64);
  const reply = Buffer.from(JSON.stringify({ response: { ok: true }, isDisposed: true }));
  await channel.consume(queue, (msg) => {
    if (!msg) return;
    channel.sendToQueue(msg.properties.replyTo, reply, { correlationId: msg.properties.correlationId });
    channel.ack(msg);
  });
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void connection.close().finally(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`echo responder failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
