export * from './channels';
export * from './result';
export * from './contract';
export * from './request-schemas';
export * from './card-schemas';
export * from './app-schemas';
export * from './validated-client';
export * from './csp';
