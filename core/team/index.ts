export * from './jobs';
export * from './leases';
export * from './progress';
export * from './presence';
