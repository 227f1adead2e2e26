import type { SimClock } from './clock.js';
import { cbhCodes, documentedOn } from './codes.js';
import { caller } from './iamRoutes.js';
import type { IamState } from './iamState.js';
import type { SimRequest, SimResponse, SimRoute } from './types.js';

export interface CbhInstance {
  serverId: string;
  projectId: string;
  adminPassword: string;
  lastChangeAt?: number;
  changes: number;
}

export interface SeedCbhInstance {
  serverId: string;
  projectId: string;
  /** The IAM account owning the project (tokens scoped to the project come from it). */
  domainName: string;
  adminPassword: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const cbhError = (status: number, code: string, description: string): SimResponse => ({
  status,
  body: { error_code: code, error_description: description },
});

/**
 * Cloud Bastion Host: `PUT /v{1,2}/{project_id}/cbs/instance/password` resets the instance's admin
 * password. No old password, so resending the same one is harmless; there is no verify API.
 */
export class CbhSim {
  readonly instances = new Map<string, CbhInstance>();
  /** The v1 example shows the key `"request info"` (with a space); switch to test clients against it. */
  v1ResponseKey: 'request_info' | 'request info' = 'request_info';
  /** "letters, digits, and special characters": the strict reading requires all three. */
  requireAllCharTypes = true;

  constructor(
    private readonly iam: IamState,
    private readonly clock: SimClock,
    private readonly strictDocs = false,
  ) {}

  seedInstance(s: SeedCbhInstance): CbhInstance {
    this.iam.seedProject(s.projectId, s.domainName);
    const inst: CbhInstance = {
      serverId: s.serverId,
      projectId: s.projectId,
      adminPassword: s.adminPassword,
      changes: 0,
    };
    this.instances.set(s.serverId, inst);
    this.clock.secrets.add(s.adminPassword);
    return inst;
  }

  routes(): SimRoute[] {
    return [
      {
        id: 'cbh.changePassword',
        method: 'PUT',
        pattern: /^\/(?<version>v1|v2)\/(?<projectId>[^/]+)\/cbs\/instance\/password$/,
        handle: (r) => this.change(r),
      },
    ];
  }

  private change(req: SimRequest): SimResponse {
    /** Strict-docs mode keeps a documented code only where the page pairs it with that status. */
    const err = (status: number, code: string, description: string, documented = true): SimResponse =>
      this.strictDocs && (!documented || !documentedOn('cbh.changePassword', code))
        ? { status, body: { error_description: description } }
        : cbhError(status, code, description);
    const projectId = req.params.projectId ?? '';
    const who = caller(this.iam, this.clock, req);
    if ('status' in who) return err(401, cbhCodes.tokenInvalid, 'Failed to verify the token.');
    const project = this.iam.projects.get(projectId);
    // A token must be scoped to this very project; an AK/SK request names it in X-Project-Id.
    if (!project || who.projectId !== projectId || project.domainId !== who.user.domainId) {
      return err(403, cbhCodes.noAuthority, 'Permissions required.');
    }
    if (req.json === undefined || typeof req.json !== 'object')
      return err(400, cbhCodes.badFormat, 'Incorrect request parameter.');
    const b = req.json as { new_password?: unknown; server_id?: unknown };
    if (typeof b.new_password !== 'string' || typeof b.server_id !== 'string') {
      return err(400, cbhCodes.parameterError, 'Incorrect request parameter.');
    }
    if (!uuid.test(b.server_id)) return err(400, cbhCodes.wrongServerId, 'Incorrect request parameter.');
    const inProject = [...this.instances.values()].filter((i) => i.projectId === projectId);
    // The page documents the 404 and its description, not which code comes with it.
    if (inProject.length === 0) return err(404, cbhCodes.wrongServerId, 'CBH instances not found.', false);
    const inst = inProject.find((i) => i.serverId === b.server_id);
    if (!inst) return err(400, cbhCodes.wrongServerId, 'Incorrect request parameter.');
    const p = b.new_password;
    const allowed = /^[A-Za-z0-9`~!@#$%^&*()\-_=+\\|[{}\];:'",<.>/?]+$/.test(p);
    const special = /[^A-Za-z0-9]/.test(p);
    if (
      p.length < 8 ||
      p.length > 32 ||
      !allowed ||
      !/[A-Za-z]/.test(p) ||
      !/[0-9]/.test(p) ||
      (this.requireAllCharTypes && !special)
    ) {
      return err(400, cbhCodes.parameterError, 'Incorrect request parameter.');
    }
    inst.adminPassword = p;
    this.clock.secrets.add(p);
    inst.lastChangeAt = this.clock.now();
    inst.changes++;
    if (req.params.version === 'v2') return { status: 200 };
    return { status: 200, body: { [this.v1ResponseKey]: 'success' } };
  }
}
