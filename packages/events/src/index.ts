export * from './envelope.js';
export * from './topics.js';
export * from './kafka.js';
export * from './producer.js';
export * from './consumer.js';
