import { meetingCodes } from './codes.js';
import { charClasses, containsNameOrReverse, differingChars, longestRun, meetingSpecials } from './rules.js';

export const meetingCooldownMs = 5 * 60_000;

/** What the rules need to know of the account. */
export interface MeetingPasswordState {
  password: string;
  userName: string;
  history: string[];
  lastChangeAt?: number;
}

/** The documented newPwd rules, in the documented order; returns the refusal's code and message. */
export function meetingPasswordRejection(
  a: MeetingPasswordState,
  pwd: string,
  now: number,
): { code: string; message: string } | undefined {
  const format = (why: string) => ({ code: meetingCodes.invalidFormat, message: `Invalid password format: ${why}.` });
  if (pwd.length < 8 || pwd.length > 32) return format('8 to 32 characters');
  if ([...pwd].some((c) => !/[A-Za-z0-9]/.test(c) && !meetingSpecials.includes(c)))
    return format('unsupported character');
  if (charClasses(pwd, meetingSpecials) < 2) return format('at least two character types');
  if (pwd === a.password)
    return { code: meetingCodes.tooClose, message: 'The new password cannot be the same as the old password.' };
  if (differingChars(pwd, a.password) < 2)
    return {
      code: meetingCodes.tooClose,
      message: 'At least two characters must be different between the new and old passwords.',
    };
  if (a.lastChangeAt !== undefined && now - a.lastChangeAt < meetingCooldownMs) {
    return { code: meetingCodes.tooSoon, message: 'The password cannot be changed again within 5 minutes.' };
  }
  if (a.history.includes(pwd))
    return { code: meetingCodes.recentlyUsed, message: 'The password has been used recently.' };
  if (longestRun(pwd) >= 3) return format('three or more identical characters in a row');
  if (containsNameOrReverse(pwd, a.userName)) return format('contains the user name or its reverse');
  return undefined;
}
