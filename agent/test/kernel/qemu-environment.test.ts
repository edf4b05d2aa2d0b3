// The fetched QEMU 10 must load only its own modules: on a machine with Debian's qemu-system-x86
// (7.2) installed, QEMU 10 found the system's modules in its built-in module folder, refused
// them ("Only modules from the same build can be loaded") and aborted every boot.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the kernel suite, without type declarations.
import { qemuEnvironment } from './fetch.mjs';

const pkgs = {
  root: '/cache/root',
  qemuModuleDir: path.join('/cache/root', 'usr/lib/x86_64-linux-gnu/qemu'),
  libDirs: ['/cache/root/usr/lib/x86_64-linux-gnu', '/cache/root/lib/x86_64-linux-gnu'],
};

describe('the fetched QEMU runs with its own modules', () => {
  it('points QEMU_MODULE_DIR at the fetched build, over any value the caller had', () => {
    const env = qemuEnvironment(pkgs, { PATH: '/usr/bin', QEMU_MODULE_DIR: '/usr/lib/x86_64-linux-gnu/qemu' });
    expect(env.QEMU_MODULE_DIR).toBe('/cache/root/usr/lib/x86_64-linux-gnu/qemu');
    expect(env.PATH).toBe('/usr/bin');
  });

  it('sets it when the caller had none, and puts the fetched libraries first', () => {
    const env = qemuEnvironment(pkgs, { LD_LIBRARY_PATH: '/opt/lib' });
    expect(env.QEMU_MODULE_DIR).toBe(pkgs.qemuModuleDir);
    expect(env.LD_LIBRARY_PATH).toBe('/cache/root/usr/lib/x86_64-linux-gnu:/cache/root/lib/x86_64-linux-gnu:/opt/lib');
  });
});
