// Who may do what: the one place. Route handlers declare the action they perform (lib/auth/guard.ts);
// the UI asks the same functions to decide what to show. Pure, so the browser can import it too.

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = {
  /** Read the inventory, reports, operations (never secrets). */
  'inventory:read': ['viewer', 'operator', 'admin'],
  /** VF count, VF settings, vfio-pci binding. */
  'vf:configure': ['operator', 'admin'],
  /** Give a VF to a VM, take it back. */
  'vf:assign': ['operator', 'admin'],
  /** BIOS changes through the iLO. */
  'bios:change': ['admin'],
  /** Reset or power a server through the iLO. */
  'host:power': ['admin'],
  /** A host's fix in one go: its BIOS change, OS fixes and the reboot they need (each also needs its own action). */
  'host:fix': ['admin'],
  /** Register hosts, change their agent and iLO credentials. */
  'host:manage': ['admin'],
  /** Label hosts (what policies select them by). */
  'host:label': ['operator', 'admin'],
  /** Create, edit, import and archive policies. */
  'policy:edit': ['admin'],
  /** Compute plans (nothing moves: a plan only says what would). */
  'plan:compute': ['operator', 'admin'],
  /** Start, pause, resume and cancel rollouts: they reboot hosts and change VFs fleet-wide. */
  'rollout:run': ['admin'],
  'user:manage': ['admin'],
  'token:manage': ['admin'],
  'audit:read': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Action = keyof typeof ACTIONS;

/** What a route needs: an action, any signed-in principal, or nobody (sign-in itself). */
export type Permission = Action | 'signed-in' | 'public';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The less powerful of two roles (ROLES is in rising order). */
export function lowerRole(a: Role, b: Role): Role {
  return ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b;
}

export function can(role: Role, action: Action): boolean {
  return (ACTIONS[action] as readonly Role[]).includes(role);
}

export function allows(role: Role | null, permission: Permission): boolean {
  if (permission === 'public') return true;
  if (role === null) return false;
  return permission === 'signed-in' || can(role, permission);
}

export const canAssignVf = (role: Role) => can(role, 'vf:assign');
export const canConfigureVf = (role: Role) => can(role, 'vf:configure');
export const canChangeBios = (role: Role) => can(role, 'bios:change');
export const canManageUsers = (role: Role) => can(role, 'user:manage');

/** The reason a refusal gives, in an operator's words. */
export function refusalReason(role: Role, action: Action): string {
  const allowed = ACTIONS[action].join(' or ');
  return `A ${role} may not do this (${action}); it needs the ${allowed} role.`;
}

export function isAction(value: string): value is Action {
  return Object.hasOwn(ACTIONS, value);
}

/** Each action as the sentence "A viewer may not …" ends: what a refusal page says instead of "audit:read". */
export const ACTION_WORDS: Record<Action, string> = {
  'inventory:read': 'read the inventory',
  'vf:configure': 'change VF counts or VF settings',
  'vf:assign': 'assign VFs to VMs or release them',
  'bios:change': 'change BIOS settings',
  'host:power': 'reboot or power on servers',
  'host:fix': 'apply a host’s fix (BIOS, kernel and a reboot)',
  'host:manage': 'register hosts or change their credentials',
  'host:label': 'label hosts',
  'policy:edit': 'create, edit or import policies',
  'plan:compute': 'compute plans',
  'rollout:run': 'start, pause or cancel rollouts',
  'user:manage': 'manage users',
  'token:manage': 'manage API tokens',
  'audit:read': 'read the audit log',
};
