import type { CommandOutput } from '../exec';
import { CommandError } from '../exec';
import type { SimDevice, SimKernel, VfConfig } from './kernel';

/**
 * iproute2's `ip` for the subset the agent uses, answering the same argv with the same output
 * and the same "RTNETLINK answers: ..." refusals the PF drivers produce.
 */
export function simIp(kernel: SimKernel, args: readonly string[]): CommandOutput {
  const fail = (stderr: string, exitCode = 2): never => {
    throw new CommandError('ip', args, exitCode, `${stderr}\n`);
  };
  const a = [...args];
  const json = a[0] === '-j';
  if (json) a.shift();
  if (a[0] !== 'link') fail(`Object "${a[0] ?? ''}" is unknown, try "ip help".`, 255);

  if (a[1] === 'show' && a[2] === undefined) {
    const links = [...kernel.devices.values()].filter((d) => d.netdev).map((d, i) => linkJson(d, i + 2));
    return { stdout: `${JSON.stringify(links)}\n`, stderr: '' };
  }
  if (a[1] === 'show' && a[2] === 'dev' && a[3]) {
    const pf = kernel.pfByNetdev(a[3]);
    if (!pf) return fail(`Device "${a[3]}" does not exist.`, 1);
    return { stdout: json ? `${JSON.stringify([linkJson(pf, 2)])}\n` : `2: ${pf.netdev}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n`, stderr: '' };
  }

  if (a[1] === 'set' && a[2] === 'dev' && a[3] && a[4] === 'vf' && a[5] !== undefined) {
    const pf = kernel.pfByNetdev(a[3]);
    if (!pf?.sriov) return fail(`Cannot find device "${a[3]}"`, 1);
    const cap = pf.sriov;
    if (!/^\d+$/.test(a[5])) return fail(`Invalid "vf" value`, 1);
    const index = Number(a[5]);
    const changes: ((c: VfConfig) => void)[] = [];
    const refusals: string[] = [];
    const rejects = cap.model.rejects;
    for (let i = 6; i < a.length; i += 2) {
      const key = a[i];
      const value = a[i + 1];
      if (value === undefined) return fail(`Command line is not complete. Try option "help"`, 255);
      switch (key) {
        case 'mac':
          if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(value)) return fail(`Invalid address "${value}".`, 1);
          // ixgbe_ndo_set_vf_mac: a multicast address is -EINVAL; all zeros clears it.
          if (parseInt(value.slice(0, 2), 16) & 1) refusals.push('Invalid argument');
          changes.push((c) => (c.mac = value.toLowerCase()));
          break;
        case 'vlan': {
          const vlan = Number(value);
          if (!/^\d+$/.test(value) || vlan > 4095) refusals.push('Invalid argument');
          let qos = 0;
          if (a[i + 2] === 'qos') {
            qos = Number(a[i + 3]);
            if (!/^\d+$/.test(a[i + 3] ?? '') || qos > 7) refusals.push('Invalid argument');
            i += 2;
          }
          changes.push((c) => {
            c.vlan = vlan;
            c.qos = vlan === 0 ? 0 : qos;
          });
          break;
        }
        case 'spoofchk':
        case 'trust': {
          if (value !== 'on' && value !== 'off') return fail(`Invalid "${key}" value "${value}"`, 1);
          changes.push((c) => (c[key] = value === 'on'));
          break;
        }
        case 'state':
          if (value !== 'auto' && value !== 'enable' && value !== 'disable') return fail(`Invalid "state" value "${value}"`, 1);
          if (rejects.linkState) refusals.push('Operation not supported');
          changes.push((c) => (c.linkState = value));
          break;
        case 'max_tx_rate':
        case 'min_tx_rate': {
          if (!/^\d+$/.test(value)) return fail(`Invalid "${key}" value`, 1);
          const rate = Number(value);
          if (key === 'min_tx_rate' && rate !== 0 && rejects.minTxRate) refusals.push('Invalid argument');
          changes.push((c) => (key === 'max_tx_rate' ? (c.maxTxRate = rate) : (c.minTxRate = rate)));
          break;
        }
        default:
          return fail(`Error: argument "${key}" is wrong: unknown vf parameter`, 255);
      }
    }
    // rtnetlink do_setvf(): an index past the VFs the PF has is -EINVAL before any driver call.
    const config = cap.vfConfig[index];
    if (!config) return fail('RTNETLINK answers: Invalid argument');
    // do_setvf() applies attribute by attribute and stops at the first refusal.
    const firstRefusal = refusals[0];
    if (firstRefusal) return fail(`RTNETLINK answers: ${firstRefusal}`);
    for (const change of changes) change(config);
    return { stdout: '', stderr: '' };
  }
  return fail(`Command "${a.slice(1).join(' ')}" is unknown, try "ip link help".`, 255);
}

function linkJson(dev: SimDevice, ifindex: number): Record<string, unknown> {
  const cap = dev.sriov;
  const vfinfo = (cap?.vfConfig ?? []).map((c, vf) => ({
    vf,
    link_type: 'ether',
    address: c.mac,
    broadcast: 'ff:ff:ff:ff:ff:ff',
    vlan_list: [c.vlan ? { vlan: c.vlan, qos: c.qos } : {}],
    rate: { max_tx: c.maxTxRate, min_tx: c.minTxRate },
    spoofchk: c.spoofchk,
    link_state: c.linkState,
    trust: c.trust,
    ...(cap?.model.pfDriver === 'mlx5_core' ? { query_rss_en: false } : {}),
  }));
  return {
    ifindex,
    ifname: dev.netdev,
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    qdisc: 'mq',
    operstate: 'UP',
    linkmode: 'DEFAULT',
    group: 'default',
    txqlen: 1000,
    link_type: 'ether',
    address: '94:40:c9:00:00:01',
    broadcast: 'ff:ff:ff:ff:ff:ff',
    ...(vfinfo.length > 0 ? { vfinfo_list: vfinfo } : {}),
  };
}
