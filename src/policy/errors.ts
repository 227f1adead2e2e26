import { Misconfigured } from '../errors/index.js';

/**
 * The configured policy cannot be met together with a target's rules. It is a misconfiguration
 * (retrying cannot help), so it extends `Misconfigured` and keeps that error's `name` for `isRotorError`.
 * Each entry of `conflicts` names the two rules that clash, e.g.
 * "policy strong: length 40 exceeds <kind> maximum 32".
 */
export class PolicyConflictError extends Misconfigured {
  readonly conflicts: string[];

  constructor(conflicts: string[]) {
    super(conflicts.join('; '));
    this.conflicts = conflicts;
  }
}

/**
 * No generated password met the rules relative to the context (old password, names, history) within the
 * attempt budget. `rules` lists the rules that kept failing. The message never carries a password or name.
 */
export class PolicyUnsatisfiable extends Misconfigured {
  readonly rules: string[];

  constructor(message: string, rules: string[]) {
    super(message);
    this.rules = rules;
  }
}
