export * from './schema';
export * from './workflow';
