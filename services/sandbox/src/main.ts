import { createLogger, createMetricsRegistry, describeConfig, onShutdown } from '@lienthong/platform';
import { buildApp } from './app.js';
import { loadSandboxConfig, sandboxConfigSchema } from './config.js';

const config = loadSandboxConfig();
const logger = createLogger({ name: 'sandbox', level: config.LOG_LEVEL });
logger.info({ config: describeConfig(sandboxConfigSchema, config) }, 'starting');
const publicUrl = config.SANDBOX_PUBLIC_URL ?? `http://${config.SANDBOX_HOST}:${config.SANDBOX_PORT}`;
const app = await buildApp({ logger, metrics: createMetricsRegistry('sandbox'), config, publicUrl });
onShutdown(logger, [{ name: 'http', close: () => app.close() }]);
await app.listen({ host: config.SANDBOX_HOST, port: config.SANDBOX_PORT });
