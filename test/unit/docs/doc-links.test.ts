import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

// Every relative link and #anchor in the README and docs/ resolves, with GitHub's heading slugs:
// a page renamed or a heading reworded breaks a link somewhere, and nobody clicks them all.

const root = fileURLToPath(new URL('../../../', import.meta.url))
const pages = [
  'README.md', 'CONTRIBUTING.md', 'CHANGELOG.md',
  ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
].filter((page) => existsSync(join(root, page)))

/** The text outside fenced code blocks and inline code, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's heading anchor: lower case, punctuation dropped (not - or _), spaces to -, repeats numbered. */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>()
  const seen = new Map<string, number>()
  const withoutCode = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '')
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '')
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    slugs.add(count === 0 ? base : `${base}-${count}`)
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) slugs.add(id)
  return slugs
}

function linksOf(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(([, target]) => target)
}

t.test('GitHub heading slugs: punctuation dropped, code kept, repeats numbered', async (t) => {
  const slugs = headingSlugs('# Run it\n## `TRUST_PROXY` and *TLS*: the proxy\n## Run it\n```\n# not a heading\n```\n')
  t.same([...slugs], ['run-it', 'trust_proxy-and-tls-the-proxy', 'run-it-1'])
})

for (const page of pages) {
  t.test(`every relative link and anchor in ${page} resolves`, async (t) => {
    const markdown = readFileSync(join(root, page), 'utf8')
    for (const target of linksOf(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      const [path, anchor] = target.split('#') as [string, string | undefined]
      const file = path === '' ? join(root, page) : join(dirname(join(root, page)), decodeURIComponent(path))
      const shown = relative(root, file)
      if (!existsSync(file)) {
        t.fail(`${page}: ${target} points at ${shown}, which does not exist`)
        continue
      }
      if (anchor === undefined) continue
      t.ok(statSync(file).isFile() && file.endsWith('.md'), `${page}: ${target} has an anchor into a Markdown page`)
      const slugs = headingSlugs(readFileSync(file, 'utf8'))
      t.ok(slugs.has(anchor), `${page}: ${target} — ${shown} has no heading with the anchor #${anchor}`)
    }
  })
}

t.test('the README is at most 12,000 characters', async (t) => {
  const length = [...readFileSync(join(root, 'README.md'), 'utf8')].length
  t.ok(length <= 12_000, `README.md has ${length} characters; move detail into docs/`)
})
