import { createDefaultEsmPreset } from 'ts-jest';

const base = {
  ...createDefaultEsmPreset({ tsconfig: 'tsconfig.json' }),
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30000,
};

/** @type {import('jest').Config} */
export default {
  testTimeout: 30000,
  // Suites share one real Redis and spawn servers; two cores do not gain from more workers.
  maxWorkers: 2,
  projects: [
    { ...base, displayName: 'rotor', testMatch: ['**/*.test.ts'] },
    {
      // The connector conformance and fault suites again, against a simulator that answers only in the
      // shapes Huawei documents: rotor must be safe without the simulator's undocumented codes.
      ...base,
      displayName: 'strict-docs',
      setupFiles: ['<rootDir>/test/helpers/strictDocsMode.ts'],
      testMatch: [
        '<rootDir>/test/connectors/**/*.test.ts',
        '<rootDir>/test/dev/huaweiSimulator*.test.ts',
        '<rootDir>/test/chaos/faults.test.ts',
        '<rootDir>/test/chaos/unrecognisedReplies.test.ts',
        '<rootDir>/test/chaos/crashBoundaries.test.ts',
        '<rootDir>/test/chaos/alternatingCrash.test.ts',
      ],
    },
  ],
};
