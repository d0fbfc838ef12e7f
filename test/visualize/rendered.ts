/**
 * Test helper: what a reader sees of a rendered state diagram, read from the DOM in the browser. Passed
 * to `page.evaluate`, so it is self-contained.
 *
 * @packageDocumentation
 */

/** What {@link readDiagram} finds. */
export interface RenderedDiagram {
  /** The title of each state box: the first text drawn in it. */
  titles: string[];
  /** Every text of the diagram with its size on screen, in CSS pixels, smallest first. */
  sizes: { text: string; px: number }[];
}

/**
 * Reads the rendered diagram under `root`: the title of each state (Mermaid's `g.node`, Graphviz's
 * `g.node` with a `state-` id) and the size on screen of every text (font size times every scale
 * between the SVG and the screen, CSS transforms included).
 * @param root - a CSS selector of the element that holds the `<svg>`.
 * @returns the titles and the text sizes.
 */
export function readDiagram(root: string): RenderedDiagram {
  const container = document.querySelector(root);
  const svg = container instanceof SVGSVGElement ? container : container?.querySelector('svg');
  if (!svg) throw new Error(`no <svg> under ${root}`);
  const scaleOf = (el: Element): number => {
    const graphic = (
      el instanceof SVGGraphicsElement ? el : el.closest('foreignObject')
    ) as SVGGraphicsElement | null;
    const m = graphic?.getScreenCTM();
    return m ? Math.hypot(m.a, m.b) : 1;
  };
  const leaves = Array.from(
    svg.querySelectorAll('text, foreignObject p, foreignObject span, foreignObject div'),
  ).filter((el) => (el.textContent ?? '').trim() !== '' && el.querySelector('p, span, div, tspan') === null);
  const sizes = leaves
    .map((el) => ({
      text: (el.textContent ?? '').trim(),
      px: Number.parseFloat(getComputedStyle(el).fontSize) * scaleOf(el),
    }))
    .sort((a, b) => a.px - b.px);
  const nodes = Array.from(svg.querySelectorAll('g.node')).filter(
    (n) =>
      n.classList.contains('statediagram-state') ||
      (n.id.startsWith('state-') && !n.classList.contains('initial')),
  );
  const titles = nodes.map((n) => {
    const first = Array.from(n.querySelectorAll('text, foreignObject')).find(
      (t) => (t.textContent ?? '').trim() !== '',
    );
    return (first?.textContent ?? '').trim();
  });
  return { titles, sizes };
}
