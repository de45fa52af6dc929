import type { FastifyPluginAsync } from 'fastify';
import type { ConfigProperty, Logger } from '@lienthong/platform';

/**
 * Contract between the sandbox app and each simulated peer (services/sandbox/src/peers/<peer>/index.ts):
 * a peer exports `configProperties` (the environment variables it reads, merged into the sandbox's one
 * config schema) and a default fastify plugin, registered under its own prefix (`/dvcqg`, `/vnpay`…).
 */
export interface SandboxPeerOptions {
  logger: Logger;
  /** The sandbox's validated, frozen config; each peer reads the keys it declared. */
  config: Readonly<Record<string, unknown>>;
  /** This sandbox's own public base URL (pages link back to it), e.g. http://127.0.0.1:8090. */
  publicUrl: string;
}

export type SandboxPeer = FastifyPluginAsync<SandboxPeerOptions>;
export type PeerConfigProperties = Record<string, ConfigProperty>;
