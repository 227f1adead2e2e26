/**
 * Every error code the simulator answers, where Huawei documents it, and the strict-docs switch.
 *
 * Huawei documents few error codes on the pages of the APIs rotor calls: the IAM change-password
 * page says "error codes: none", the Meeting pages list HTTP statuses only (their specific codes live
 * in the API Error Center, or nowhere), the CBH page points at CBH's error-code list. The simulator
 * still answers specific codes by default — plausible ones, marked below — so the rest of rotor can be
 * tested against precise refusals.
 *
 * Strict-docs mode (`startHuaweiSimulator({ strictDocs: true })`, `rotor sim --strict-docs`, or
 * `ROTOR_SIM_STRICT_DOCS=1` for a whole test run) answers only what each API's own page documents:
 * a refusal whose code is not in `documentedOnPage[route]` is answered in that API's most generic
 * documented form instead —
 * - IAM (`iam.*`): a Keystone body `{"error":{"code":<status>,"message":"...","title":"..."}}`; the
 *   weak / same-as-old / recently-used refusals all say "The password is too weak.";
 * - Meeting (`meeting.*`): the bare HTTP status with an empty body;
 * - CBH (`cbh.*`): `{"error_description":"..."}` without `error_code`.
 * The status never changes between the modes. Messages are free text in both: never classify by them.
 */

/** Reads the mode's default from the environment: `ROTOR_SIM_STRICT_DOCS` = 1|true|0|false|unset. */
export function strictDocsFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.ROTOR_SIM_STRICT_DOCS;
  if (raw === undefined || raw === '') return false;
  const v = raw.trim().toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new Error(`ROTOR_SIM_STRICT_DOCS must be 1 or 0 (or true/false), found "${raw}"`);
}

export const iamCodes = {
  missingParameter: '1100',
  incorrectPassword: '1103',
  sameAsOld: '1108',
  weakPassword: '1118',
  invalidBody: 'IAM.0011',
  invalidParameter: 'IAM.0007',
  minimumAge: '1119',
  notAuthorized: 'IAM.0002',
  notFound: 'IAM.0004',
};

export const meetingCodes = {
  tokenInvalid: 'USG.000000004',
  userNotFound: 'USG.201040000',
  invalidParameters: 'USG.000000001',
  insufficientPermissions: 'USG.000000003',
  wrongOldPassword: 'USG.206030006',
  invalidFormat: 'USG.206030014',
  tooClose: 'USG.206030013',
  loginFailed: 'USG.206010000',
  tooSoon: 'USG.206030020',
  recentlyUsed: 'USG.206030018',
  appAuthFailed: 'USG.206010025',
  appAuthExpired: 'USG.206010057',
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

/** Where each code comes from. `undocumented` means no public page has it: the simulator's own choice. */
export const codeSources: Record<string, string> = {
  [iamCodes.missingParameter]: 'IAM error-code list (iam_02_0006)',
  [iamCodes.incorrectPassword]: 'IAM error-code list (iam_02_0006)',
  [iamCodes.sameAsOld]: 'IAM error-code list (iam_02_0006)',
  [iamCodes.weakPassword]: 'IAM error-code list (iam_02_0006)',
  [iamCodes.invalidBody]: 'IAM error-code list (iam_02_0006)',
  [iamCodes.invalidParameter]: 'IAM error-code list (iam_02_0006)',
  [iamCodes.minimumAge]: 'undocumented (a change inside minimum_password_age)',
  [iamCodes.notAuthorized]: 'IAM security-policy pages, 403 example',
  [iamCodes.notFound]: 'IAM security-policy pages, 404 example',
  [meetingCodes.tokenInvalid]: 'Meeting API reference',
  [meetingCodes.userNotFound]: 'Meeting API reference',
  [meetingCodes.invalidParameters]: 'undocumented (invalid parameters)',
  [meetingCodes.insufficientPermissions]: 'undocumented (a token of another account)',
  [meetingCodes.wrongOldPassword]: 'API Error Center only ("The current password is incorrect.")',
  [meetingCodes.invalidFormat]: 'API Error Center only ("Invalid password format.")',
  [meetingCodes.tooClose]: 'undocumented (same as, or too close to, the old password)',
  [meetingCodes.loginFailed]: 'undocumented (login refused)',
  [meetingCodes.tooSoon]: 'undocumented (the 5-minute cooldown)',
  [meetingCodes.recentlyUsed]: 'undocumented (a recently used password)',
  [meetingCodes.appAuthFailed]: 'undocumented (App ID signature refused)',
  [meetingCodes.appAuthExpired]: 'undocumented (App ID expireTime passed)',
  [meetingCodes.locked]: 'undocumented (account locked)',
  ...Object.fromEntries(Object.values(cbhCodes).map((c) => [c, 'CBH error-code list'])),
};

/** Codes no public page documents. */
export const undocumentedCodes: ReadonlySet<string> = new Set(
  Object.entries(codeSources)
    .filter(([, source]) => source.startsWith('undocumented'))
    .map(([code]) => code),
);

const iamList = [
  iamCodes.missingParameter,
  iamCodes.incorrectPassword,
  iamCodes.sameAsOld,
  iamCodes.weakPassword,
  iamCodes.invalidBody,
  iamCodes.invalidParameter,
];
const meetingKnown = [meetingCodes.tokenInvalid, meetingCodes.userNotFound];
const policyPage = [iamCodes.notAuthorized, iamCodes.notFound];

/** The codes each route's own API page documents (by example or by pointing at a list). */
export const documentedOnPage: Record<string, ReadonlySet<string>> = {
  'iam.token': new Set(),
  'iam.changePassword': new Set(), // the page: "error codes: none"
  'iam.passwordPolicy': new Set(policyPage),
  'iam.loginPolicy': new Set(policyPage),
  'iam.adminUpdateUser': new Set(iamList),
  'meeting.accountAuth': new Set(meetingKnown),
  'meeting.appAuth': new Set(meetingKnown),
  'meeting.changePassword': new Set(meetingKnown),
  'cbh.changePassword': new Set(Object.values(cbhCodes)),
  // The access-key pages (iam_03_0001 … iam_03_0005): "error codes: none"; akSkNumExceed is a message, not a code.
  'iam.createAccessKey': new Set(),
  'iam.listAccessKeys': new Set(),
  'iam.showAccessKey': new Set(),
  'iam.updateAccessKey': new Set(),
  'iam.deleteAccessKey': new Set(),
};

/** Whether strict-docs mode may answer `code` on `route`. */
export function documentedOn(route: string, code: string): boolean {
  return documentedOnPage[route]?.has(code) ?? false;
}

/** IAM actions the simulator checks (an admin holds them all). */
export const iamActions = {
  getPasswordPolicy: 'iam:securitypolicies:getPasswordPolicy',
  getLoginPolicy: 'iam:securitypolicies:getLoginPolicy',
  updateUser: 'iam:users:updateUser',
  createCredential: 'iam:credentials:createCredential',
  listCredentials: 'iam:credentials:listCredentials',
  getCredential: 'iam:credentials:getCredential',
  updateCredential: 'iam:credentials:updateCredential',
  deleteCredential: 'iam:credentials:deleteCredential',
};
