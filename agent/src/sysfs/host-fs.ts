import nodeFs from 'node:fs';
import path from 'node:path';
import { systemError } from '../errors';

/**
 * The host's /sys and /proc as the agent sees them. Reads are synchronous: sysfs and procfs
 * attributes are tiny and answered from kernel memory, and a 4 PF x 64 VF inventory is thousands
 * of them. Writes are asynchronous because the kernel may sleep in them (sriov_numvfs: >= 100 ms
 * to enable, >= 1 s to disable). Every failure carries the errno `code` node:fs would give.
 */
export interface HostFs {
  /** Contents of a file; throws ENOENT when absent. */
  read(file: string): string;
  /** Names in a directory, sorted; throws ENOENT when absent. */
  list(dir: string): string[];
  /** Target of a symbolic link, as stored (usually relative). */
  readlink(link: string): string;
  write(file: string, data: string): Promise<void>;
}

const READ_BUFFER = Buffer.alloc(64 * 1024);

export interface NodeHostFsRoots {
  /** Directory standing for /sys (default /sys). */
  sysRoot: string;
  /** Directory standing for /proc (default /proc). */
  procRoot: string;
}

/** node:fs under a root directory, so a fixture tree can stand for /sys and /proc. */
export class NodeHostFs implements HostFs {
  private readonly roots: NodeHostFsRoots;

  constructor(roots: Partial<NodeHostFsRoots> = {}) {
    this.roots = { sysRoot: path.resolve(roots.sysRoot ?? '/sys'), procRoot: path.resolve(roots.procRoot ?? '/proc') };
  }

  read(file: string): string {
    // open/read/close without readFileSync's fstat: sysfs attributes report a size of 4096
    // whatever they hold, procfs ones 0, and an inventory reads thousands of them.
    const fd = nodeFs.openSync(this.map(file), 'r');
    try {
      let text = '';
      for (;;) {
        const n = nodeFs.readSync(fd, READ_BUFFER, 0, READ_BUFFER.length, null);
        if (n === 0) return text;
        text += READ_BUFFER.toString('utf8', 0, n);
      }
    } finally {
      nodeFs.closeSync(fd);
    }
  }

  list(dir: string): string[] {
    return nodeFs.readdirSync(this.map(dir)).sort();
  }

  readlink(link: string): string {
    return nodeFs.readlinkSync(this.map(link));
  }

  async write(file: string, data: string): Promise<void> {
    await nodeFs.promises.writeFile(this.map(file), data);
  }

  private map(p: string): string {
    // Paths come from the agent itself; normalise only the unusual ones.
    const normal = p.includes('/.') || p.includes('//') ? path.posix.normalize(p) : p;
    for (const [prefix, root] of [['/sys', this.roots.sysRoot], ['/proc', this.roots.procRoot]] as const) {
      if (normal === prefix || normal.startsWith(`${prefix}/`)) return root + normal.slice(prefix.length);
    }
    throw systemError('ENOENT', 'open', p);
  }
}

/** read() that answers null for a missing or unreadable file instead of throwing. */
export function readOptional(fs: HostFs, file: string): string | null {
  try {
    return fs.read(file).trim();
  } catch {
    return null;
  }
}

export function listOptional(fs: HostFs, dir: string): string[] {
  try {
    return fs.list(dir);
  } catch {
    return [];
  }
}

/** The last component of a link's target (driver name, VF address, IOMMU group), or null. */
export function linkName(fs: HostFs, link: string): string | null {
  try {
    return path.posix.basename(fs.readlink(link));
  } catch {
    return null;
  }
}
