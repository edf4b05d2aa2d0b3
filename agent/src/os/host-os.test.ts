import { describe, expect, it } from 'vitest';
import { CommandError, type CommandRunner } from '../exec';
import { MemoryEtcFiles } from '../sim/host';
import { fixIommuArgs, fixVfioPci } from './host-os';

function recorder(answers: Record<string, string | CommandError>): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = async (command, args) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    const answer = answers[line] ?? '';
    if (answer instanceof CommandError) throw answer;
    return { stdout: answer, stderr: '' };
  };
  return { run, calls };
}

describe('fixIommuArgs', () => {
  it('adds only the missing arguments to every boot entry and says a reboot is needed', async () => {
    const { run, calls } = recorder({ 'grubby --info=DEFAULT': 'index=0\nkernel="/boot/vmlinuz-5.14"\nargs="ro crashkernel=auto iommu=pt"\n' });
    const result = await fixIommuArgs(run, 'intel', 'BOOT_IMAGE=/vmlinuz ro crashkernel=auto');
    expect(calls).toEqual(['grubby --info=DEFAULT', 'grubby --update-kernel=ALL --args=intel_iommu=on']);
    expect(result).toMatchObject({ changed: true, rebootNeeded: true });
  });

  it('asks for iommu=pt only on AMD, where the kernel turns the IOMMU on by itself', async () => {
    const { run, calls } = recorder({ 'grubby --info=DEFAULT': 'args="ro"\n' });
    await fixIommuArgs(run, 'amd', 'ro');
    expect(calls[1]).toBe('grubby --update-kernel=ALL --args=iommu=pt');
  });

  it('says what to do by hand where there is no grubby', async () => {
    const { run } = recorder({ 'grubby --info=DEFAULT': new CommandError('grubby', [], null, '', 'ENOENT') });
    await expect(fixIommuArgs(run, 'intel', 'ro')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('GRUB_CMDLINE_LINUX') });
  });
});

describe('fixVfioPci', () => {
  it('loads vfio-pci and appends it to an existing modules-load.d file once', async () => {
    const { run, calls } = recorder({});
    const etc = new MemoryEtcFiles();
    etc.files.set('/etc/modules-load.d/sriov-agent.conf', 'vhost_net\n');
    expect((await fixVfioPci(run, etc, false)).changed).toBe(true);
    expect(calls).toEqual(['modprobe vfio-pci']);
    expect(etc.files.get('/etc/modules-load.d/sriov-agent.conf')).toBe('vhost_net\nvfio-pci\n');
    expect((await fixVfioPci(run, etc, true)).changed).toBe(false);
  });
});
