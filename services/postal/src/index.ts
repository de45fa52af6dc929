export { buildApp, type PostalDeps, type PostalService } from './app.js';
export { postalService } from './service.js';
export { postalConfigSchema, type PostalConfig } from './config.js';
export { createAgencyDirectory, type AgencyPostalSettings } from './agencies.js';
