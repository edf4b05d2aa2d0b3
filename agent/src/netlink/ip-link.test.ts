import { describe, expect, it } from 'vitest';
import { silentLog } from '../agent';
import { AgentError } from '../errors';
import { CommandError } from '../exec';
import { SimulatedHost } from '../sim/host';
import { FAST_TIMING } from '../sim/kernel';
import { IpLinkCommand, ipLinkRefusal, ipLinkSetVfArgs, parseVfInfoList } from './ip-link';

describe('ip link argument building', () => {
  it('builds one argument array, qos only with a vlan', () => {
    expect(ipLinkSetVfArgs('ens1f0', 3, { mac: '02:11:22:33:44:55', vlan: 100, qos: 3, spoofchk: false, trust: true, linkState: 'enable', maxTxRate: 1000 })).toEqual([
      'link', 'set', 'dev', 'ens1f0', 'vf', '3', 'mac', '02:11:22:33:44:55', 'vlan', '100', 'qos', '3', 'spoofchk', 'off', 'trust', 'on', 'state', 'enable', 'max_tx_rate', '1000',
    ]);
    expect(ipLinkSetVfArgs('ens1f0', 0, { qos: 3 })).toBeNull();
    expect(ipLinkSetVfArgs('ens1f0', 0, {})).toBeNull();
  });
});

describe('vfinfo_list parsing', () => {
  it('reads vlan_list [{}] as no VLAN and tolerates missing fields', () => {
    const out = parseVfInfoList(JSON.stringify([{ ifname: 'ens2f0', vfinfo_list: [{ vf: 0, address: '02:00:00:00:00:01', vlan_list: [{}], spoofchk: true, link_state: 'auto' }] }]));
    expect(out).toEqual([{ vf: 0, mac: '02:00:00:00:00:01', vlan: 0, qos: 0, spoofchk: true, trust: null, linkState: 'auto', maxTxRate: null, minTxRate: null }]);
  });

  it('reads the older flat vlan/qos/tx_rate form', () => {
    const out = parseVfInfoList(JSON.stringify([{ vfinfo_list: [{ vf: 1, mac: '02:00:00:00:00:02', vlan: 10, qos: 2, tx_rate: 500 }] }]));
    expect(out[0]).toMatchObject({ vf: 1, mac: '02:00:00:00:00:02', vlan: 10, qos: 2, maxTxRate: 500 });
  });

  it('gives no VFs for a link without vfinfo_list', () => {
    expect(parseVfInfoList('[{"ifname":"eno1"}]')).toEqual([]);
  });
});

describe('driver refusals', () => {
  it('maps RTNETLINK answers to errno and words', () => {
    const unsupported = ipLinkRefusal(new CommandError('ip', [], 2, 'RTNETLINK answers: Operation not supported\n'), 'ens2f0', 1);
    expect(unsupported).toMatchObject({ code: 'refused', errno: 'EOPNOTSUPP' });
    const invalid = ipLinkRefusal(new CommandError('ip', [], 2, 'RTNETLINK answers: Invalid argument\n'), 'ens2f0', 9);
    expect(invalid).toMatchObject({ errno: 'EINVAL' });
    expect(ipLinkRefusal(new CommandError('ip', [], null, '', 'ENOENT'), 'x', 0)).toMatchObject({ code: 'unavailable' });
  });

  it('reports igb refusing link state (EOPNOTSUPP) and min rate, and an index out of range (EINVAL)', async () => {
    const h = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
    await h.agent.setNumVfs('0000:02:00.0', 2);
    const ip = new IpLinkCommand(h.run);
    const state = await ip.setVf('ens2f0', 0, { linkState: 'enable' }).catch((e: unknown) => e);
    expect(state).toBeInstanceOf(AgentError);
    expect(state).toMatchObject({ errno: 'EOPNOTSUPP' });
    await expect(ip.setVf('ens2f0', 5, { trust: true })).rejects.toMatchObject({ errno: 'EINVAL' });
    await expect(h.run('ip', ['link', 'set', 'dev', 'ens2f0', 'vf', '0', 'min_tx_rate', '100'])).rejects.toMatchObject({ stderr: 'RTNETLINK answers: Invalid argument\n' });
    await ip.setVf('ens2f0', 1, { mac: '02:aa:bb:cc:dd:ee', vlan: 20 });
    expect((await ip.showVfs('ens2f0'))[1]).toMatchObject({ mac: '02:aa:bb:cc:dd:ee', vlan: 20, trust: false }); // igb reports trust (seen on a real kernel)
  });
});
