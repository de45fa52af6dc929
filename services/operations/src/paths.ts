import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The service's folder (services/operations), from src/ or dist/ alike. */
export const serviceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const defaultCalendarDir = path.join(serviceRoot, 'calendar');
export const defaultAgencyOverridesFile = path.join(serviceRoot, 'data', 'agency-overrides.json');
export const migrationsDir = path.join(serviceRoot, 'migrations');
