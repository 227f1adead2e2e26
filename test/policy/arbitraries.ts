import fc from 'fast-check';
import { connectorKinds, type ConnectorKind } from '../../src/connectors/registry.js';
import { ASCII_PUNCTUATION, type AccountPasswordPolicy, type PolicyConfigInput } from '../../src/policy/index.js';

/** Every printable ASCII character except space: what `exclude` may name. */
export const PRINTABLE = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');

const subset = (chars: string, maxLength?: number) =>
  fc.subarray([...chars], maxLength === undefined ? {} : { maxLength }).map((a) => a.join(''));

const lengthFields = fc.oneof(
  fc.constant({}),
  fc.record({ length: fc.integer({ min: 1, max: 40 }) }),
  fc.record(
    { minLength: fc.integer({ min: 1, max: 40 }), maxLength: fc.integer({ min: 1, max: 40 }) },
    { requiredKeys: [] },
  ),
);

/** Policies as a config could hold them: valid in shape, often impossible in substance. */
export const configuredPolicy: fc.Arbitrary<PolicyConfigInput> = fc
  .tuple(
    lengthFields,
    fc.record(
      {
        lower: fc.integer({ min: 0, max: 6 }),
        upper: fc.integer({ min: 0, max: 6 }),
        digits: fc.integer({ min: 0, max: 6 }),
        special: fc.integer({ min: 0, max: 6 }),
        specialChars: subset(ASCII_PUNCTUATION),
        // Mostly a few look-alikes, sometimes half the keyboard: both kinds of policy occur in practice.
        exclude: fc.oneof({ weight: 4, arbitrary: subset(PRINTABLE, 8) }, { weight: 1, arbitrary: subset(PRINTABLE) }),
        minClasses: fc.integer({ min: 0, max: 4 }),
        maxRun: fc.integer({ min: 1, max: 4 }),
        minDiffFromOld: fc.integer({ min: 0, max: 6 }),
        historyCount: fc.integer({ min: 0, max: 3 }),
        mustNotContainNames: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([lengths, rest]) => ({ ...lengths, ...rest }));

export const kind: fc.Arbitrary<ConnectorKind | undefined> = fc.option(fc.constantFrom(...connectorKinds), {
  nil: undefined,
});

export const accountPolicy: fc.Arbitrary<AccountPasswordPolicy | undefined> = fc.option(
  fc.record(
    {
      // Mostly consistent with itself, as the IAM API returns it; sometimes not, to exercise that conflict.
      minimum_password_length: fc.integer({ min: 6, max: 20 }),
      maximum_password_length: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 16, max: 32 }),
        fc.integer({ min: 0, max: 32 }),
      ),
      password_char_combination: fc.integer({ min: 2, max: 4 }),
      maximum_consecutive_identical_chars: fc.integer({ min: 0, max: 4 }),
      number_of_recent_passwords_disallowed: fc.integer({ min: 0, max: 10 }),
      password_not_username_or_invert: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);
