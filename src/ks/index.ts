/**
 * `canvas-kaltura-services/ks`: a Kaltura Session (KS) codec that matches Kaltura's own code byte
 * for byte. Pure functions; no dependency beyond node:crypto and node:buffer.
 */
export { generateKs, KsOptionError, type GenerateKsOptions } from './generate-ks.js';
export { parseKs, type ParsedKs, type ParseKsOptions } from './parse-ks.js';
export { decodeKsUnverified, type UnverifiedKs } from './decode-ks-unverified.js';
export { KS_ERROR_CODES, type KsError } from './ks-errors.js';
export { parsePrivileges, buildPrivileges, privilegesToFields, type PrivilegeMap, type PrivilegeInput } from './privileges.js';
export { phpUrlencode } from './php-urlencode.js';
export { appTokenHash, type AppTokenHashType } from './app-token-hash.js';
export { ksTail } from './ks-tail.js';
