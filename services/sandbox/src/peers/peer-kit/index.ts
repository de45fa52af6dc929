export * from './random.js';
export * from './api-fault-draw.js';
export * from './peer-config.js';
export * from './transaction-numbers.js';
export * from './closing-sleep.js';
export * from './fault-switches.js';
