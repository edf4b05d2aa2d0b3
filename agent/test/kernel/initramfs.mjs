// Builds the guest's initramfs as newc cpio archives, written by this file (no cpio binary needed):
//   layer 1 (cached, ~100 MB): the host's node binary and its libraries;
//   layer 2 (every run): busybox-static + applet links, /init, the kernel modules, the host's
//   /usr/sbin/ip and its libraries, the agent bundle and the test driver.
// The kernel unpacks concatenated archives in order, so the two are simply concatenated.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Modules in dependency order (what the igb PF, igbvf VFs and vfio-pci need on Debian's 6.1). */
export const MODULES = [
  'drivers/dca/dca.ko',
  'drivers/i2c/algos/i2c-algo-bit.ko',
  'drivers/net/ethernet/intel/igb/igb.ko',
  'drivers/net/ethernet/intel/igbvf/igbvf.ko',
  'virt/lib/irqbypass.ko',
  'drivers/vfio/vfio.ko',
  'drivers/vfio/vfio_virqfd.ko',
  'drivers/vfio/vfio_iommu_type1.ko',
  'drivers/vfio/pci/vfio-pci-core.ko',
  'drivers/vfio/pci/vfio-pci.ko',
  // NVMe (QEMU's emulated controller with SR-IOV): the crc implementations before the crc libraries that ask the crypto API for them.
  'crypto/crct10dif_common.ko',
  'crypto/crct10dif_generic.ko',
  'lib/crc-t10dif.ko',
  'lib/crc64.ko',
  'crypto/crc64_rocksoft_generic.ko',
  'lib/crc64-rocksoft.ko',
  'block/t10-pi.ko',
  'drivers/nvme/host/nvme-core.ko',
  'drivers/nvme/host/nvme.ko',
];

class CpioWriter {
  constructor(file) {
    this.fd = fs.openSync(file, 'w');
    this.ino = 1;
    this.dirs = new Set();
  }
  entry(name, mode, data = Buffer.alloc(0), { rdevMajor = 0, rdevMinor = 0 } = {}) {
    const nameBuf = Buffer.from(`${name}\0`);
    const fields = [this.ino++, mode, 0, 0, 1, 0, data.length, 0, 0, rdevMajor, rdevMinor, nameBuf.length, 0];
    const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`);
    const pad = (n) => Buffer.alloc((4 - (n % 4)) % 4);
    fs.writeSync(this.fd, Buffer.concat([header, nameBuf, pad(header.length + nameBuf.length)]));
    if (data.length) {
      fs.writeSync(this.fd, data);
      fs.writeSync(this.fd, pad(data.length));
    }
  }
  dir(name) {
    const parts = name.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (this.dirs.has(d)) continue;
      this.dirs.add(d);
      this.entry(d, 0o040755);
    }
  }
  file(name, data, mode = 0o644) {
    this.dir(path.posix.dirname(name));
    this.entry(name, 0o100000 | mode, Buffer.isBuffer(data) ? data : Buffer.from(data));
  }
  /** A host file copied in (symlinks resolved), keeping its executable bit. */
  hostFile(name, source) {
    const st = fs.statSync(source);
    this.file(name, fs.readFileSync(source), st.mode & 0o111 ? 0o755 : 0o644);
  }
  symlink(name, target) {
    this.dir(path.posix.dirname(name));
    this.entry(name, 0o120777, Buffer.from(target));
  }
  charDev(name, major, minor) {
    this.dir(path.posix.dirname(name));
    this.entry(name, 0o020600, Buffer.alloc(0), { rdevMajor: major, rdevMinor: minor });
  }
  close() {
    this.entry('TRAILER!!!', 0);
    fs.closeSync(this.fd);
  }
}

/** A binary and the shared libraries ldd names for it, at the paths ldd gives. */
function withLibraries(cpio, binary, at) {
  cpio.hostFile(at, binary);
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (!m) continue;
    const lib = m[1];
    if (cpio.dirs.has(lib.slice(1)) || cpio.seen?.has(lib)) continue;
    (cpio.seen ??= new Set()).add(lib);
    cpio.hostFile(lib.slice(1), lib);
  }
}

/** Layer 1: node and its libraries, rebuilt only when the host's node changes. */
export function nodeLayer(cacheDir, nodeBinary) {
  const real = fs.realpathSync(nodeBinary);
  const st = fs.statSync(real);
  const key = `${real} ${st.size} ${st.mtimeMs}`;
  const file = path.join(cacheDir, 'initrd-node.cpio');
  const keyFile = `${file}.key`;
  if (fs.existsSync(file) && fs.existsSync(keyFile) && fs.readFileSync(keyFile, 'utf8') === key) return file;
  const cpio = new CpioWriter(file);
  withLibraries(cpio, real, 'usr/bin/node');
  cpio.close();
  fs.writeFileSync(keyFile, key);
  return file;
}

const INIT = (args) => `#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp /run /var/lib/sriov-agent
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
echo kernel-guest > /proc/sys/kernel/hostname
t0=$(cut -d' ' -f1 /proc/uptime)
for m in ${MODULES.map((m) => path.posix.basename(m)).join(' ')}; do
  insmod /lib/modules/ktest/$m || echo "ktest: insmod $m failed"
done
/usr/sbin/ip link set lo up
echo "ktest: modules loaded (started at uptime $t0), running the driver at uptime $(cut -d' ' -f1 /proc/uptime)"
/usr/bin/node /ktest/guest-driver.cjs ${args} </dev/null
echo "ktest: driver exited with $? at uptime $(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
`;

/** Layer 2: everything else; small, rebuilt every run. */
export function baseLayer(cacheDir, pkgs, files, driverArgs = '') {
  const file = path.join(cacheDir, 'initrd-base.cpio');
  const cpio = new CpioWriter(file);
  for (const d of ['proc', 'sys', 'dev', 'tmp', 'run', 'etc', 'root', 'var/lib/sriov-agent']) cpio.dir(d);
  cpio.charDev('dev/console', 5, 1);
  cpio.charDev('dev/null', 1, 3);
  cpio.file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  cpio.file('etc/group', 'root:x:0:\n');
  cpio.file('etc/hosts', '127.0.0.1 localhost kernel-guest\n');
  cpio.hostFile('bin/busybox', pkgs.busybox);
  const applets = execFileSync(pkgs.busybox, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) {
    const name = path.posix.basename(a);
    // Skip the busybox entry itself, and busybox's ip: the tests use iproute2's (JSON output, vf settings).
    if (name === 'busybox' || name === 'ip') continue;
    cpio.symlink(a, '/bin/busybox');
  }
  if (!applets.some((a) => a.endsWith('/sh'))) cpio.symlink('bin/sh', '/bin/busybox');
  for (const m of MODULES) cpio.hostFile(`lib/modules/ktest/${path.posix.basename(m)}`, path.join(pkgs.modulesDir, 'kernel', m));
  withLibraries(cpio, '/usr/sbin/ip', 'usr/sbin/ip');
  for (const [at, source] of Object.entries(files)) cpio.hostFile(at, source);
  cpio.file('init', INIT(driverArgs), 0o755);
  cpio.close();
  return file;
}

export function buildInitramfs(cacheDir, pkgs, files, driverArgs) {
  const layers = [nodeLayer(cacheDir, process.execPath), baseLayer(cacheDir, pkgs, files, driverArgs)];
  const out = path.join(cacheDir, 'initrd.cpio');
  fs.copyFileSync(layers[0], out);
  fs.appendFileSync(out, fs.readFileSync(layers[1]));
  return out;
}
