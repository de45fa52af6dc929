export { buildApp, type SandboxDeps } from './app.js';
export { peers } from './peers.js';
export { sandboxConfigSchema, loadSandboxConfig } from './config.js';
