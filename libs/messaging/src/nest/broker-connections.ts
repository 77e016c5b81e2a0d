/** Every broker connection of the service (relay, consumer), for the readiness probe. */
export class BrokerConnections {
  private readonly connections: Array<{ isConnected(): boolean }> = [];

  register(connection: { isConnected(): boolean }): this {
    this.connections.push(connection);
    return this;
  }

  allConnected(): boolean {
    return this.connections.every((c) => c.isConnected());
  }
}
