import { readFileSync } from 'node:fs'

// `node bench/profile-summary.ts <file.cpuprofile> [top]`: where a role's CPU time went, by
// package (self time) and by function, to read the profiles `npm run bench -- --cpu-prof` writes.

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; startTime: number; endTime: number }

const [file, topArg] = process.argv.slice(2)
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
const top = Number(topArg ?? 25)
const totalHits = profile.nodes.reduce((sum, node) => sum + node.hitCount, 0)

function owner(url: string): string {
  if (!url) return '(native/idle/gc)'
  if (url.startsWith('node:')) return url
  const modules = url.split('/node_modules/')
  if (modules.length > 1) {
    const parts = modules[modules.length - 1].split('/')
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  return url.replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/')
}

function tally(key: (node: ProfileNode) => string): [string, number][] {
  const totals = new Map<string, number>()
  for (const node of profile.nodes) totals.set(key(node), (totals.get(key(node)) ?? 0) + node.hitCount)
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)
}

const percent = (hits: number) => `${((hits / totalHits) * 100).toFixed(1).padStart(5)}%`
process.stdout.write(`${file}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, ${totalHits} samples\n\nself time by package\n`)
for (const [name, hits] of tally((node) => owner(node.callFrame.url))) process.stdout.write(`${percent(hits)}  ${name}\n`)
process.stdout.write('\nself time by function\n')
for (const [name, hits] of tally((node) => `${node.callFrame.functionName || '(anonymous)'} ${owner(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`)) process.stdout.write(`${percent(hits)}  ${name}\n`)
