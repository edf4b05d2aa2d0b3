import { ROLES } from '@/lib/auth/permissions';

export const adminField = 'mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm font-normal shadow-xs';

/** The role a new user or API token gets; viewer unless chosen otherwise. */
export function RoleSelect() {
  return (
    <label>
      Role
      <select name="role" defaultValue="viewer" className={adminField}>
        {ROLES.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
    </label>
  );
}
