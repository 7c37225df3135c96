// What a page asks for beside its numbers (a trend, counts for a picker) waits until the
// numbers are on screen, so their request and drawing have the server and the browser to
// themselves: on a busy machine, shared, each came later.

/** `then` once the browser has drawn the next frame. */
export function afterPaint(then: () => void): void {
  requestAnimationFrame(() => setTimeout(then, 0))
}
