/**
 * Error codes the simulator answers with. Documented ones are marked so; the others are not in the
 * public reference (Huawei documents the HTTP status only), so they are the simulator's choice and
 * the connectors accept them through a configurable table rather than relying on them.
 */
export const iamCodes = {
  missingParameter: '1100', // documented
  incorrectPassword: '1103', // documented
  sameAsOld: '1108', // documented
  weakPassword: '1118', // documented
  invalidBody: 'IAM.0011', // documented
  invalidParameter: 'IAM.0007', // documented
  /** Not documented: a change inside `minimum_password_age`. */
  minimumAge: '1119',
};

export const meetingCodes = {
  tokenInvalid: 'USG.000000004', // documented
  userNotFound: 'USG.201040000', // documented
  /** From Huawei's API error centre ("The current password is incorrect."). */
  wrongOldPassword: 'USG.206030006',
  /** From Huawei's API error centre ("Invalid password format."). */
  invalidFormat: 'USG.206030014',
  /** Not documented (next to 206030014 in the error centre): same as, or too close to, the old password. */
  tooClose: 'USG.206030013',
  /** Not documented: login refused (wrong account or password). */
  loginFailed: 'USG.206010000',
  /** Not documented: the 5-minute cooldown. */
  tooSoon: 'USG.206030020',
  /** Not documented: a recently used password. */
  recentlyUsed: 'USG.206030018',
  /** Not documented: App ID signature refused. */
  appAuthFailed: 'USG.206010025',
  /** Not documented: account locked after failed logins. */
  locked: 'USG.206010010',
};

export const cbhCodes = {
  badFormat: 'CBH.10020009',
  parameterError: 'CBH.10020010',
  wrongServerId: 'CBH.10020011',
  tokenInvalid: 'CBH.10020100',
  noAuthority: 'CBH.10020002',
  unknown: 'CBH.10020000',
};
