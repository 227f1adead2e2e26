/**
 * Every Huawei error code rotor gives a meaning to, in one place, with where it is documented. The
 * change-password pages themselves list no codes (IAM: none; Meeting: "see the Error Center"), so
 * rotor never depends on a code to stay safe: a reply is classified by its documented status first,
 * and a code only refines it. The configurable `errorCodes` tables of the targets default to the
 * documented codes below; an undocumented code (documented: false) is never a default — add it to a
 * target's `errorCodes` only after seeing the target answer it.
 */
export interface UpstreamCode {
  code: string;
  meaning: 'wrongPassword' | 'policy' | 'cooldown' | 'parameter' | 'userNotFound' | 'tokenInvalid';
  /** Where Huawei documents it, or false. */
  documented: string | false;
}

export const iamCodes: readonly UpstreamCode[] = [
  { code: '1100', meaning: 'parameter', documented: 'IAM error codes (missing parameter)' },
  { code: '1101', meaning: 'parameter', documented: 'IAM error codes (invalid user name)' },
  { code: '1103', meaning: 'wrongPassword', documented: 'IAM error codes (incorrect password)' },
  { code: '1108', meaning: 'policy', documented: 'IAM error codes (new password must differ from the old)' },
  { code: '1118', meaning: 'policy', documented: 'IAM error codes (weak password)' },
  { code: 'IAM.0007', meaning: 'parameter', documented: 'IAM error codes (invalid parameter)' },
  { code: 'IAM.0011', meaning: 'parameter', documented: 'IAM error codes (invalid request body)' },
  { code: '1119', meaning: 'cooldown', documented: false },
];

export const meetingCodes: readonly UpstreamCode[] = [
  { code: 'USG.000000004', meaning: 'tokenInvalid', documented: 'Meeting API reference (token invalid or expired)' },
  { code: 'USG.201040000', meaning: 'userNotFound', documented: 'Meeting API reference (user does not exist)' },
  {
    code: 'USG.206030006',
    meaning: 'wrongPassword',
    documented: 'Huawei API Error Center (current password incorrect)',
  },
  { code: 'USG.206030014', meaning: 'policy', documented: 'Huawei API Error Center (invalid password format)' },
  { code: 'USG.206030013', meaning: 'policy', documented: false },
  { code: 'USG.206030018', meaning: 'policy', documented: false },
  { code: 'USG.206030020', meaning: 'cooldown', documented: false },
];

/** The documented codes of one meaning: a target's default `errorCodes` entry. */
export function documentedCodes(table: readonly UpstreamCode[], meaning: UpstreamCode['meaning']): string[] {
  return table.filter((c) => c.meaning === meaning && c.documented !== false).map((c) => c.code);
}
