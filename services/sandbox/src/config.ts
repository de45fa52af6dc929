import { loadConfig, type ConfigSchema } from '@lienthong/platform';
import { peers } from './peers.js';

/** The sandbox's own variables plus every peer's (each peer declares its own in its config.ts). */
export const sandboxConfigSchema: ConfigSchema = {
  type: 'object',
  properties: {
    SANDBOX_HOST: { type: 'string', default: '127.0.0.1', description: 'interface to listen on' },
    SANDBOX_PORT: {
      type: 'integer',
      default: 8090,
      minimum: 0,
      maximum: 65535,
      description: 'HTTP port of every simulated peer',
    },
    SANDBOX_PUBLIC_URL: {
      type: 'string',
      pattern: '^https?://',
      description: 'base URL the peers put in links (pay pages); default http://<host>:<port>',
    },
    LOG_LEVEL: {
      type: 'string',
      default: 'info',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      description: 'pino level',
    },
    ...Object.assign({}, ...peers.map((p) => p.configProperties)),
  },
};

export interface SandboxConfig {
  SANDBOX_HOST: string;
  SANDBOX_PORT: number;
  SANDBOX_PUBLIC_URL?: string;
  LOG_LEVEL: string;
  [key: string]: unknown;
}

export const loadSandboxConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(sandboxConfigSchema, env) as SandboxConfig;
