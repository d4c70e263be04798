import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

// A memory cgroup of its own for one process of the bench (`--bff-memory-max`), as a container
// limit is: cgroup v2 (memory.max, memory.peak, memory.events) where the machine has it, else the
// v1 memory controller (memory.limit_in_bytes, memory.max_usage_in_bytes, memory.oom_control).
// Needs a writable /sys/fs/cgroup (root, or a delegated subtree).

export interface MemoryCgroup {
  version: 1 | 2
  path: string
  limitBytes: number
  /** The file a process writes its pid to, to move itself in before it execs Node. */
  procs: string
  /** The highest memory charged to the cgroup since it was made (anon + page cache), bytes. */
  peakBytes(): number
  /** Processes the kernel's OOM killer killed in it. */
  oomKills(): number
  remove(): void
}

const units: Record<string, number> = { '': 1, 'k': 1e3, 'm': 1e6, 'g': 1e9, 'ki': 2 ** 10, 'mi': 2 ** 20, 'gi': 2 ** 30 }

/** `192M`, `192Mi`, `201326592`: as Docker (`M` = MiB) and Kubernetes (`Mi` = MiB, `M` = 10^6) write it, both read as Docker's. */
export function parseMemorySize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?)?b?$/i.exec(text.trim())
  if (!match) throw new Error(`"${text}" is not a memory size: write it as 192M, 192Mi or a number of bytes`)
  const unit = (match[2] ?? '').toLowerCase()
  // Docker's -m 192m is 192 MiB, the sense an operator means on the command line.
  const factor = unit.endsWith('i') || unit === '' ? units[unit] : units[`${unit}i`]
  return Math.round(Number(match[1]) * factor)
}

const v2Root = '/sys/fs/cgroup'
const v1Root = '/sys/fs/cgroup/memory'

function read(file: string): string {
  return readFileSync(file, 'utf8').trim()
}

function field(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
}

export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup {
  if (existsSync(join(v2Root, 'cgroup.controllers'))) {
    const path = join(v2Root, name)
    // The root's children get the memory controller only when the root hands it down.
    if (!read(join(v2Root, 'cgroup.subtree_control')).split(' ').includes('memory')) writeFileSync(join(v2Root, 'cgroup.subtree_control'), '+memory')
    mkdirSync(path)
    writeFileSync(join(path, 'memory.max'), String(limitBytes))
    writeFileSync(join(path, 'memory.swap.max'), '0')
    let polledPeak = 0
    const peakFile = join(path, 'memory.peak')
    return {
      version: 2, path, limitBytes, procs: join(path, 'cgroup.procs'),
      peakBytes: () => {
        if (existsSync(peakFile)) return Number(read(peakFile))
        polledPeak = Math.max(polledPeak, Number(read(join(path, 'memory.current'))))
        return polledPeak
      },
      oomKills: () => field(read(join(path, 'memory.events')), 'oom_kill'),
      remove: () => rmdirSync(path),
    }
  }
  if (!existsSync(join(v1Root, 'memory.limit_in_bytes'))) throw new Error('no memory cgroup controller under /sys/fs/cgroup (v2 or v1): --bff-memory-max needs one')
  const path = join(v1Root, name)
  mkdirSync(path)
  writeFileSync(join(path, 'memory.limit_in_bytes'), String(limitBytes))
  // Like a container without swap: over the limit is the OOM killer, not the disk.
  writeFileSync(join(path, 'memory.swappiness'), '0')
  return {
    version: 1, path, limitBytes, procs: join(path, 'cgroup.procs'),
    peakBytes: () => Number(read(join(path, 'memory.max_usage_in_bytes'))),
    oomKills: () => field(read(join(path, 'memory.oom_control')), 'oom_kill'),
    remove: () => rmdirSync(path),
  }
}
