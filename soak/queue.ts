/** The simulator's event queue: a binary min-heap ordered by (time, insertion sequence), so equal times keep FIFO order and runs are reproducible. */
export interface Queued<T> {
  readonly at: number;
  readonly seq: number;
  readonly item: T;
}

export class EventQueue<T> {
  private heap: Queued<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, item });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i] as Queued<T>, h[p] as Queued<T>)) break;
      [h[i], h[p]] = [h[p] as Queued<T>, h[i] as Queued<T>];
      i = p;
    }
  }

  pop(): Queued<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l] as Queued<T>, h[m] as Queued<T>)) m = l;
        if (r < h.length && less(h[r] as Queued<T>, h[m] as Queued<T>)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Queued<T>, h[i] as Queued<T>];
        i = m;
      }
    }
    return top;
  }
}

function less<T>(a: Queued<T>, b: Queued<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
