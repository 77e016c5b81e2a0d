/** Metadata key under which @RpcHandler stores the contract pattern of a handler. */
export const RPC_PATTERN_METADATA = 'fpms:rpc-pattern';
