// InputError is defined once, in src/app/errors.ts (use cases and adapters both throw it).
export { InputError } from '../app/errors.js';
