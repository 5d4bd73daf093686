/**
 * Splits a variable's index space into hyperslabs for bounded-memory reads.
 *
 * The dimensions before `split` are walked one index at a time (e.g. one time
 * step and one level: a horizontal field per slab); the rest are read whole.
 * When that is more than `maxElements` values, more leading dimensions are
 * walked, and the last walked one in blocks as large as the limit allows.
 * With `split` 0, as many trailing dimensions are read whole as fit.
 *
 * When the variable's chunk shape is given, the block along the last walked
 * dimension is rounded down to a multiple of the chunk extent there (when the
 * limit allows at least one chunk extent), so that no slab cuts a chunk along
 * it: a cut chunk is decompressed once per slab that touches it.
 *
 * Slabs come in C order and each one is a contiguous range of the flattened
 * variable (only the last walked dimension is taken in blocks; the later ones
 * are whole), so accumulating slab after slab visits the values in the same
 * order as a single pass over the whole variable.
 */
export interface Hyperslab {
  start: number[];
  count: number[];
}

export function* hyperslabs(
  shape: readonly number[],
  split: number,
  maxElements: number,
  chunks?: readonly number[] | null,
): Generator<Hyperslab> {
  const rank = shape.length;
  if (rank === 0 || shape.some((n) => n === 0)) return;
  const limit = Math.max(1, Math.floor(maxElements));
  const product = (from: number): number => shape.slice(from).reduce((a, b) => a * b, 1);
  let s = Math.min(Math.max(0, split), rank);
  const minimal = s;
  while (s < rank && product(s) > limit) s++;
  // Dimension `s - 1` is walked in blocks; all earlier ones one index at a time.
  const inner = product(s);
  let block =
    s === 0 ? 1 : s === minimal ? 1 : Math.max(1, Math.min(shape[s - 1]!, Math.floor(limit / inner)));
  const chunk = s > 0 && chunks && chunks.length === rank ? chunks[s - 1]! : 0;
  if (chunk > 1 && block > chunk && block < shape[s - 1]!) block -= block % chunk;
  if (s === 0) {
    yield { start: shape.map(() => 0), count: [...shape] };
    return;
  }
  const index = new Array<number>(s).fill(0);
  for (;;) {
    const start = [...index, ...shape.slice(s).map(() => 0)];
    const count = [
      ...index.map((_, i) => (i === s - 1 ? Math.min(block, shape[i]! - index[i]!) : 1)),
      ...shape.slice(s),
    ];
    yield { start, count };
    // Advance: the last walked dimension by `block`, the earlier ones by 1.
    let d = s - 1;
    index[d]! += block;
    while (d > 0 && index[d]! >= shape[d]!) {
      index[d] = 0;
      d--;
      index[d]! += 1;
    }
    if (index[0]! >= shape[0]!) return;
  }
}
