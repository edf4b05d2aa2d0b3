import type { LinkState, VfSettings } from '../api-types';
import { AgentError } from '../errors';
import { CommandError, type CommandRunner } from '../exec';

/** One VF as its PF driver reports it; null where the driver says nothing. */
export interface VfLinkInfo {
  vf: number;
  mac: string | null;
  vlan: number | null;
  qos: number | null;
  spoofchk: boolean | null;
  trust: boolean | null;
  linkState: LinkState | null;
  maxTxRate: number | null;
  minTxRate: number | null;
}

/** VF settings through the PF (rtnetlink IFLA_VFINFO_LIST / IFLA_VF_*), by way of iproute2's `ip`. */
export interface IpLink {
  showVfs(pfNetdev: string): Promise<VfLinkInfo[]>;
  /** Every link's VFs in one `ip -j link show`, by netdev name: one process for the whole inventory. */
  showAllVfs(): Promise<Map<string, VfLinkInfo[]>>;
  setVf(pfNetdev: string, vf: number, settings: VfSettings): Promise<void>;
}

export class IpLinkCommand implements IpLink {
  constructor(private readonly run: CommandRunner) {}

  async showVfs(pfNetdev: string): Promise<VfLinkInfo[]> {
    const { stdout } = await this.run('ip', ['-j', 'link', 'show', 'dev', pfNetdev]);
    return parseVfInfoList(stdout);
  }

  async showAllVfs(): Promise<Map<string, VfLinkInfo[]>> {
    const { stdout } = await this.run('ip', ['-j', 'link', 'show']);
    return parseAllVfInfoLists(stdout);
  }

  async setVf(pfNetdev: string, vf: number, settings: VfSettings): Promise<void> {
    const args = ipLinkSetVfArgs(pfNetdev, vf, settings);
    if (!args) return;
    try {
      await this.run('ip', args);
    } catch (err) {
      throw ipLinkRefusal(err, pfNetdev, vf, Object.keys(settings));
    }
  }
}

/** `ip link set dev PF vf N mac .. vlan .. qos .. spoofchk .. trust .. state .. max_tx_rate ..`, or null when nothing to set. */
export function ipLinkSetVfArgs(pfNetdev: string, vf: number, settings: VfSettings): string[] | null {
  const args: string[] = [];
  if (settings.mac !== undefined) args.push('mac', settings.mac);
  if (settings.vlan !== undefined) {
    args.push('vlan', String(settings.vlan));
    if (settings.qos !== undefined) args.push('qos', String(settings.qos));
  }
  if (settings.spoofchk !== undefined) args.push('spoofchk', settings.spoofchk ? 'on' : 'off');
  if (settings.trust !== undefined) args.push('trust', settings.trust ? 'on' : 'off');
  if (settings.linkState !== undefined) args.push('state', settings.linkState);
  if (settings.maxTxRate !== undefined) args.push('max_tx_rate', String(settings.maxTxRate));
  if (args.length === 0) return null;
  return ['link', 'set', 'dev', pfNetdev, 'vf', String(vf), ...args];
}

/** Reads `vfinfo_list` of `ip -j link show dev PF`, tolerating what drivers and iproute2 versions omit. */
export function parseVfInfoList(stdout: string): VfLinkInfo[] {
  const link = parseLinks(stdout)[0];
  return link ? vfInfoOf(link) : [];
}

/** The VFs of every link that has any, by netdev name. */
export function parseAllVfInfoLists(stdout: string): Map<string, VfLinkInfo[]> {
  const out = new Map<string, VfLinkInfo[]>();
  for (const link of parseLinks(stdout)) {
    if (typeof link.ifname === 'string' && Array.isArray(link.vfinfo_list)) out.set(link.ifname, vfInfoOf(link));
  }
  return out;
}

function parseLinks(stdout: string): Record<string, unknown>[] {
  let links: unknown;
  try {
    links = JSON.parse(stdout);
  } catch {
    throw new AgentError('internal', 'ip -j link show printed something that is not JSON');
  }
  return Array.isArray(links) ? links.filter((l): l is Record<string, unknown> => typeof l === 'object' && l !== null) : [];
}

function vfInfoOf(link: Record<string, unknown>): VfLinkInfo[] {
  const list = link.vfinfo_list;
  if (!Array.isArray(list)) return [];
  const out: VfLinkInfo[] = [];
  for (const raw of list as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const e = raw as Record<string, unknown>;
    if (typeof e.vf !== 'number') continue;
    // iproute2 >= 4.x prints vlan_list ([{}] without a VLAN); older ones print vlan/qos at the top.
    const vlanEntry = Array.isArray(e.vlan_list) ? (e.vlan_list[0] as Record<string, unknown> | undefined) : undefined;
    const rate = typeof e.rate === 'object' && e.rate !== null ? (e.rate as Record<string, unknown>) : {};
    const linkState = e.link_state;
    out.push({
      vf: e.vf,
      mac: str(e.address) ?? str(e.mac),
      vlan: num(vlanEntry?.vlan) ?? num(e.vlan) ?? (vlanEntry ? 0 : null),
      qos: num(vlanEntry?.qos) ?? num(e.qos) ?? (vlanEntry ? 0 : null),
      spoofchk: typeof e.spoofchk === 'boolean' ? e.spoofchk : null,
      trust: typeof e.trust === 'boolean' ? e.trust : null,
      linkState: linkState === 'auto' || linkState === 'enable' || linkState === 'disable' ? linkState : null,
      maxTxRate: num(rate.max_tx) ?? num(e.tx_rate),
      minTxRate: num(rate.min_tx),
    });
  }
  return out;
}

const RTNETLINK_ERRNO: Record<string, string> = {
  'Operation not supported': 'EOPNOTSUPP',
  'Invalid argument': 'EINVAL',
  'Operation not permitted': 'EPERM',
  'No such device': 'ENODEV',
  'Device or resource busy': 'EBUSY',
  'Numerical result out of range': 'ERANGE',
};

/** "RTNETLINK answers: Operation not supported" -> an error that says which setting the driver refused. */
export function ipLinkRefusal(err: unknown, pfNetdev: string, vf: number, settings: string[] = []): AgentError {
  if (!(err instanceof CommandError)) return new AgentError('internal', String(err));
  if (err.spawnCode === 'ENOENT') return new AgentError('unavailable', 'the `ip` command (iproute2) is not installed on this host');
  const m = /RTNETLINK answers: (.+)/.exec(err.stderr);
  const reason = m?.[1]?.trim();
  const errno = reason ? RTNETLINK_ERRNO[reason] : undefined;
  const what = `VF ${vf} of ${pfNetdev}`;
  const asked = settings.length > 0 ? ` (asked: ${settings.join(', ')})` : '';
  switch (errno) {
    case 'EOPNOTSUPP':
      return new AgentError('refused', `the PF driver does not support a setting asked for ${what}${asked}; igb, for one, has no link state: ${reason}`, { errno });
    case 'EINVAL':
      return new AgentError('refused', `the PF driver rejected a value for ${what}${asked}: a VF index out of range, a multicast MAC, or a rate it cannot do (igb: any min_tx_rate): ${reason}`, { errno });
    case 'EPERM':
      return new AgentError('refused', `not permitted to change ${what}: run the agent as root (CAP_NET_ADMIN): ${reason}`, { errno });
    default:
      return new AgentError('refused', `ip link refused the change on ${what}: ${(reason ?? err.stderr.trim()) || err.message}`, errno ? { errno } : {});
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
