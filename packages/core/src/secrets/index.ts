export type { MaskingStream } from './secret-masker.js';
export { MASK, SecretMasker } from './secret-masker.js';
export { MIN_SECRET_LENGTH } from './secret-forms.js';
