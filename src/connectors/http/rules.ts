import { ASCII_PUNCTUATION } from '../../policy/charsets.js';
import type { ConnectorPasswordRules } from '../../policy/connectorRules.js';
import type { HttpTarget } from './schema.js';

/**
 * The rules of the `http` kind before a target says more: nothing is known about an API described
 * in the config, so these are the defaults of its `rules:` (8–64 characters, 3 classes, ASCII
 * punctuation). Each target's own `rules:` replace them.
 */
export const httpDefaultRules: ConnectorPasswordRules = {
  minLength: 8,
  defaultMinLength: 12,
  maxLength: 64,
  minClasses: 3,
  specialChars: ASCII_PUNCTUATION,
  minDiffFromOld: 0,
  historyCount: 0,
  mustNotContainNames: false,
  mustNotContainContact: false,
};

/** The rules one target's API enforces, from its `rules:`. */
export function httpTargetRules(target: HttpTarget): ConnectorPasswordRules {
  const r = target.rules;
  return {
    minLength: r.minLength,
    defaultMinLength: Math.min(Math.max(r.minLength, httpDefaultRules.defaultMinLength), r.maxLength),
    maxLength: r.maxLength,
    minClasses: r.minClasses,
    specialChars: r.specialChars ?? ASCII_PUNCTUATION,
    ...(r.maxRun === undefined ? {} : { maxRun: r.maxRun }),
    minDiffFromOld: r.minDiffFromOld,
    historyCount: r.historyCount,
    mustNotContainNames: r.mustNotContain.length > 0,
    mustNotContainContact: false,
  };
}

/** The values the password may not contain: the `vars` named by `rules.mustNotContain`. */
export function httpPasswordNames(target: HttpTarget): string[] {
  return target.rules.mustNotContain.flatMap((name) => {
    const v = target.vars[name];
    return v === undefined ? [] : [v, ...(v.includes('@') ? [v.split('@')[0] ?? v] : [])];
  });
}
