import { LRUCache } from 'lru-cache'

type Options<V extends {}> = Omit<LRUCache.Options<string, V, unknown>, 'max' | 'maxSize' | 'sizeCalculation'>

/**
 * An LRU of at most `maxEntries`, least recently used out. Counted through lru-cache's `maxSize`
 * (each entry weighs 1) rather than `max`, which allocates arrays for every slot up front: with
 * `max` the default stores held about 8 MiB of empty slots in a replica that had served nobody
 * yet (docs/benchmarks.md, start-up and memory). Every LRU of the plugin is made here.
 */
export function boundedLru<V extends {}>(maxEntries: number, options: Options<V> = {}): LRUCache<string, V> {
  return new LRUCache<string, V>({ ...options, maxSize: maxEntries, sizeCalculation: () => 1 })
}
