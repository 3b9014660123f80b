export * from './domain/index.js';
export * from './infrastructure/provider-simulator.js';
