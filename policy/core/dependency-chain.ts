/**
 * Breadth-first walk along property dependencies, shared by the pack (PolicyResource graphs,
 * ./certificate-schedule.ts) and the offline preview (registrations keyed by URN), so both read
 * a certificate's schedule from the same chain.
 *
 * Pure, never throws.
 */

/**
 * Visits each resource reachable from `sources` (level 1) through `dependenciesOf`, at most
 * `maxDepth` levels deep, each URN once (the URNs in `skip` never). Stops early when `visit`
 * returns true.
 *
 * @param keyOf the resource's URN, or undefined for something that is not a resource (skipped).
 */
export function walkDependencies<T>(
  sources: readonly T[],
  maxDepth: number,
  keyOf: (resource: T) => string | undefined,
  dependenciesOf: (resource: T) => readonly T[],
  visit: (resource: T) => boolean | void,
  skip: readonly string[] = [],
): void {
  const seen = new Set(skip);
  let frontier = sources;
  for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
    const next: T[] = [];
    for (const resource of frontier) {
      const key = keyOf(resource);
      if (key === undefined || seen.has(key)) continue;
      seen.add(key);
      if (visit(resource) === true) return;
      next.push(...dependenciesOf(resource));
    }
    frontier = next;
  }
}
