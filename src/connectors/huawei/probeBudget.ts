import { AuthFailed } from '../../rotation/errors.js';

/**
 * Caps the password logins one connector instance makes. A wrong password costs a lockout strike on
 * IAM and Meeting, so the cap is what keeps a confused rotation from locking the account.
 */
export class ProbeBudget {
  private used = 0;

  constructor(
    private readonly max: number,
    private readonly target: string,
  ) {}

  take(): void {
    if (this.used >= this.max) {
      throw new AuthFailed(`${this.target}: login probe budget of ${this.max} spent; not sending another password`);
    }
    this.used++;
  }

  get spent(): number {
    return this.used;
  }
}
