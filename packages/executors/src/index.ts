export * from './process-executor.js';
export * from './docker-executor.js';
export * from './docker-host.js';
export * from './probe-docker-host.js';
export * from './docker-api-client.js';
export * from './demultiplex-docker-stream.js';
export * from './ensure-docker-image.js';
