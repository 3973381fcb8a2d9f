/*
 * Sizing a drawn graph in its pane. Fitted (the default): as large as the pane holds, up to
 * half as large again, but never so small that its smallest text drops under 11 px; past that
 * the pane scrolls. "Actual size": one layout unit to one pixel. Either way the view opens
 * centred on the content, not on its top-left corner.
 */
/** The smallest text a person reads without zooming, in CSS pixels. */
export const legiblePx = 11;
const largestScale = 1.5;
/** Room left around a fitted graph, so that it does not touch the pane's border. */
const margin = 8;

/** Sizes `svg` (whose `data-width`, `data-height` and `data-smallest-font` the drawing set) in `pane`. */
export function place(svg, pane, fitted) {
  const width = Number(svg.dataset.width);
  const height = Number(svg.dataset.height);
  const legible = legiblePx / Number(svg.dataset.smallestFont);
  const fits = Math.min(largestScale, (pane.clientWidth - 2 * margin) / width, (pane.clientHeight - 2 * margin) / height);
  const scale = fitted ? Math.max(fits, legible) : 1;
  svg.setAttribute("width", String(Math.ceil(width * scale)));
  svg.setAttribute("height", String(Math.ceil(height * scale)));
  svg.dataset.scale = String(scale);
  pane.scrollLeft = (pane.scrollWidth - pane.clientWidth) / 2;
  pane.scrollTop = (pane.scrollHeight - pane.clientHeight) / 2;
}
