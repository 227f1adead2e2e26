/** The error vocabulary every layer speaks; a leaf: it imports nothing of rotor's. */
export * from './rotorErrors.js';
