import nodeFs from 'node:fs';
import path from 'node:path';
import { systemError } from '../errors';
import type { HostFs } from '../sysfs/host-fs';

type Store = (data: string) => void | Promise<void>;

type Entry =
  | { kind: 'dir'; children: Set<string> }
  | { kind: 'file'; show: () => string; store: Store | null }
  | { kind: 'link'; target: string };

const MAX_LINK_DEPTH = 16;

/**
 * An in-memory /sys and /proc: directories, attribute files whose contents are computed on read
 * and whose writes run a kernel rule, and symbolic links resolved like the real VFS does.
 */
export class SimFs implements HostFs {
  private readonly entries = new Map<string, Entry>([['/', { kind: 'dir', children: new Set() }]]);
  /** Resolved paths, dropped on every change of the tree: a 256-VF inventory reads thousands of them. */
  private readonly resolved = new Map<string, string>();

  // --- building the tree (the simulated kernel's side) ---

  mkdir(dir: string): void {
    const p = normalize(dir);
    if (p === '/') return;
    const existing = this.entries.get(p);
    if (existing) {
      if (existing.kind !== 'dir') throw new Error(`simfs: ${p} exists and is not a directory`);
      return;
    }
    this.mkdir(path.posix.dirname(p));
    this.attach(p, { kind: 'dir', children: new Set() });
  }

  file(file: string, show: string | (() => string), store: Store | null = null): void {
    const p = normalize(file);
    this.mkdir(path.posix.dirname(p));
    this.attach(p, { kind: 'file', show: typeof show === 'string' ? () => show : show, store });
  }

  link(link: string, target: string): void {
    const p = normalize(link);
    this.mkdir(path.posix.dirname(p));
    this.attach(p, { kind: 'link', target });
  }

  /** Removes an entry and everything under it; absent entries are ignored. */
  remove(p: string): void {
    const key = normalize(p);
    const entry = this.entries.get(key);
    if (!entry) return;
    this.resolved.clear();
    if (entry.kind === 'dir') for (const child of [...entry.children]) this.remove(`${key}/${child}`);
    this.entries.delete(key);
    const parent = this.entries.get(path.posix.dirname(key));
    if (parent?.kind === 'dir') parent.children.delete(path.posix.basename(key));
  }

  has(p: string): boolean {
    return this.entries.has(normalize(p));
  }

  // --- HostFs ---

  read(file: string): string {
    const entry = this.lookup(file, 'open');
    if (entry.kind === 'dir') throw systemError('EISDIR', 'read', file);
    if (entry.kind !== 'file') throw systemError('ENOENT', 'open', file);
    return entry.show();
  }

  list(dir: string): string[] {
    const entry = this.lookup(dir, 'scandir');
    if (entry.kind !== 'dir') throw systemError('ENOTDIR', 'scandir', dir);
    return [...entry.children].sort();
  }

  readlink(link: string): string {
    const key = normalize(link);
    const parent = this.resolveCached(path.posix.dirname(key), 'readlink');
    const entry = this.entries.get(`${parent === '/' ? '' : parent}/${path.posix.basename(key)}`);
    if (!entry) throw systemError('ENOENT', 'readlink', link);
    if (entry.kind !== 'link') throw systemError('EINVAL', 'readlink', link);
    return entry.target;
  }

  async write(file: string, data: string): Promise<void> {
    const entry = this.lookup(file, 'open');
    if (entry.kind === 'dir') throw systemError('EISDIR', 'open', file);
    if (entry.kind !== 'file') throw systemError('ENOENT', 'open', file);
    // sysfs attributes without a store method are mode 0444: even root gets EACCES.
    if (!entry.store) throw systemError('EACCES', 'open', file);
    await entry.store(data);
  }

  /** Writes the tree to disk (files with their current contents, real symlinks) for fixture tests. */
  dump(outDir: string): void {
    const walk = (p: string): void => {
      const entry = this.entries.get(p);
      if (!entry) return;
      const target = path.join(outDir, p);
      if (entry.kind === 'dir') {
        nodeFs.mkdirSync(target, { recursive: true });
        for (const child of [...entry.children].sort()) walk(join(p, child));
      } else if (entry.kind === 'file') {
        nodeFs.writeFileSync(target, entry.show());
      } else {
        nodeFs.symlinkSync(entry.target, target);
      }
    };
    walk('/');
  }

  // --- internals ---

  private attach(p: string, entry: Entry): void {
    this.resolved.clear();
    const parent = this.entries.get(path.posix.dirname(p));
    if (parent?.kind !== 'dir') throw new Error(`simfs: no directory for ${p}`);
    if (this.entries.has(p)) this.remove(p);
    this.entries.set(p, entry);
    parent.children.add(path.posix.basename(p));
  }

  private lookup(p: string, syscall: string): Entry {
    const resolved = this.resolveCached(normalize(p), syscall);
    const entry = this.entries.get(resolved);
    if (!entry) throw systemError('ENOENT', syscall, p);
    return entry;
  }

  private resolveCached(key: string, syscall: string): string {
    let resolved = this.resolved.get(key);
    if (resolved === undefined) {
      resolved = this.resolve(key, syscall, 0);
      this.resolved.set(key, resolved);
    }
    return resolved;
  }

  /** Follows links in every component, like path walk in the VFS. */
  private resolve(p: string, syscall: string, depth: number): string {
    if (depth > MAX_LINK_DEPTH) throw systemError('ELOOP', syscall, p);
    let current = '/';
    const parts = p.split('/').filter(Boolean);
    for (const [i, part] of parts.entries()) {
      const next = join(current, part);
      const entry = this.entries.get(next);
      if (!entry) return join(next, ...parts.slice(i + 1));
      if (entry.kind === 'link') {
        current = this.resolve(path.posix.resolve(current, entry.target), syscall, depth + 1);
      } else {
        if (entry.kind === 'file' && i < parts.length - 1) throw systemError('ENOTDIR', syscall, p);
        current = next;
      }
    }
    return current;
  }
}

function normalize(p: string): string {
  const n = path.posix.normalize(`/${p}`);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function join(...parts: string[]): string {
  return path.posix.join(...parts);
}
