import type { TargetConfig } from './schema.js';

/** What a target's password must not contain (user name, account, e-mail, mobile), per kind. */
export function passwordContextOf(target: TargetConfig): { names: string[]; email?: string; mobile?: string } {
  switch (target.kind) {
    case 'huawei-iam-user':
      return { names: [target.userName], email: target.email, mobile: target.mobile };
    case 'huawei-meeting-user':
      return { names: [target.account, target.account.split('@')[0] ?? target.account] };
    case 'huawei-cbh-admin':
      return { names: ['admin'] };
  }
}
